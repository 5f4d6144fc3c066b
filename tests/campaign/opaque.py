"""Checks shared by the tests of the mailed links' tokens (campaign and tracking): nothing in a token can be read,
and no table holds it."""

import base64
import binascii
import json
import re
import zlib

from django.apps import apps
from django.db import models


def _decodings(token: str) -> list[bytes]:
    """What the token's pieces decode to, read as base64 (django.core.signing's encoding) or hex, raw or inflated."""
    found = []
    for piece in re.split(r"[:.]", token.lstrip(".")):
        for decode in (lambda text: base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), bytes.fromhex):
            try:
                raw = decode(piece)
            except (ValueError, binascii.Error):
                continue
            found.append(raw)
            try:
                found.append(zlib.decompress(raw))
            except zlib.error:
                pass
    return found


def assert_opaque(token: str, *, ids: tuple[int, ...] = ()) -> None:
    """ids: the row's, when large enough that a random hex string would not hold it by chance."""
    assert re.fullmatch(r"[0-9a-f]{40}", token), token  # fixed length, URL-safe
    for raw in _decodings(token):
        try:
            json.loads(raw)
        except ValueError:
            continue
        raise AssertionError(f"{token} decodes to JSON: {raw!r}")
    for pk in ids:
        assert str(pk) not in token and f"{pk:x}" not in token, (pk, token)


def stored_values() -> list[str]:
    """Every text column of every row of every table."""
    values = []
    for model in apps.get_models():
        text_fields = [
            field.name for field in model._meta.get_fields() if isinstance(field, models.CharField | models.TextField)
        ]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            values.extend(str(value) for value in row if value)
    return values


def assert_stored_nowhere(token: str) -> None:
    assert not [value for value in stored_values() if token in value], token
