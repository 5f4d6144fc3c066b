"""What the enrolment page shows of the new secret: a QR code for the phone's camera and the key as text to type.

The QR code is inline SVG drawn here, so no image leaves for another server and the page's CSP (no inline styles,
images only from us) holds.
"""

from base64 import b32encode

from django.utils.safestring import SafeString, mark_safe

import segno

QR_SCALE = 5
KEY_GROUP = 4


def setup_qr_svg(*, uri: str) -> SafeString:
    # segno writes only geometry (a path of modules); the URI never appears as text or as an attribute, so nothing
    # in it can inject markup. The light background keeps the code readable in the admin's dark theme.
    svg = segno.make(uri, error="m").svg_inline(scale=QR_SCALE, dark="#000", light="#fff", border=4)
    return mark_safe(svg)  # noqa: S308


def setup_key_text(*, key: bytes) -> str:
    """The key in base32, as authenticator apps take it, in groups of four to be typed without losing one's place."""
    encoded = b32encode(key).decode().rstrip("=")
    return " ".join(encoded[start : start + KEY_GROUP] for start in range(0, len(encoded), KEY_GROUP))
