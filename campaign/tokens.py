"""The tokens of the links mailed to supporters: opaque, recomputable for every email, stored only as a hash.

Each is an HMAC of a row's id and creation time under a key derived from SECRET_KEY and the link's purpose:
nothing in it can be read, a token made for one link opens no other, and a database dump (which holds only each
token's SHA-256) gives none away. The erase, confirm and status links use it here; tracking's survey links too.
"""

import datetime
import hashlib
import hmac
import re
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from .models import Submission

TOKEN_LENGTH = 40
_TOKEN_SHAPE = re.compile(f"[0-9a-f]{{{TOKEN_LENGTH}}}")

FORGET_PURPOSE = "campaign.submission.forget"
CONFIRM_PURPOSE = "campaign.submission.confirm"
STATUS_PURPOSE = "campaign.submission.status"

RowModel = TypeVar("RowModel", bound=Model)


def opaque_token(*, purpose: str, parts: tuple[object, ...]) -> str:
    # A datetime part must print the same read back from the database as when the row was made (aware, UTC, to the
    # microsecond), or a token recomputed for a later email would not match the hash stored at creation.
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    message = ":".join(part.isoformat() if isinstance(part, datetime.datetime) else str(part) for part in parts)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_lookup_hash(token: str) -> str | None:
    """The hash to look a token up by; None for anything opaque_token cannot have made, which then costs no query."""
    return token_hash(token) if _TOKEN_SHAPE.fullmatch(token) else None


def rows_by_token(*, queryset: QuerySet[RowModel], field: str, token: str) -> QuerySet[RowModel]:
    """The rows whose `field` holds the token's hash: none, without a query, for a malformed token."""
    hashed = token_lookup_hash(token)
    return queryset.filter(**{field: hashed}) if hashed else queryset.none()


def _submission_token(*, submission: "Submission", purpose: str) -> str:
    return opaque_token(purpose=purpose, parts=(submission.pk, submission.created_at))


def submission_forget_token(*, submission: "Submission") -> str:
    return _submission_token(submission=submission, purpose=FORGET_PURPOSE)


def submission_confirm_token(*, submission: "Submission") -> str:
    return _submission_token(submission=submission, purpose=CONFIRM_PURPOSE)


def submission_status_token(*, submission: "Submission") -> str:
    return _submission_token(submission=submission, purpose=STATUS_PURPOSE)


def submission_token_hashes(*, submission: "Submission") -> dict[str, str]:
    """The stored side of a new submission's links, by field."""
    return {
        "forget_token_hash": token_hash(submission_forget_token(submission=submission)),
        "confirm_token_hash": token_hash(submission_confirm_token(submission=submission)),
        "status_token_hash": token_hash(submission_status_token(submission=submission)),
    }
