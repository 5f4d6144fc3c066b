"""A campaign's own look: an accent colour with a text colour that reads on it, and an image without metadata.

No database here. The image lives in the default storage, which is never served publicly, so pages show it inline
as a data: URI (the Content-Security-Policy allows data: images): no new address serves it, and nothing about the
organiser's camera or location travels with it.
"""

import base64
import hashlib
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from common.images import PictureProblem, picture_reencode

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}\Z")
TEXT_ON_DARK = "#ffffff"
TEXT_ON_LIGHT = "#000000"  # white or black: one of them always reaches 4.5:1
WCAG_AA_TEXT_CONTRAST = 4.5

IMAGE_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
IMAGE_MAX_SOURCE_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
IMAGE_MAX_SIDE = 1200  # wide enough for the page at twice the pixel density, small enough to inline
IMAGE_MAX_STORED_BYTES = 300 * 1024
IMAGE_FOLDER = "campaign-images"
IMAGE_FORMATS = ("PNG", "JPEG")
IMAGE_CACHE_SECONDS = 24 * 3600


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index : index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def colour_contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def accent_text_colour(accent: str) -> str:
    """White on the accent where it reads (WCAG AA for text), else black."""
    if colour_contrast(accent, TEXT_ON_DARK) >= WCAG_AA_TEXT_CONTRAST:
        return TEXT_ON_DARK
    return TEXT_ON_LIGHT


IMAGE_REFUSED = "image_refused"
IMAGE_UNREADABLE = ValidationError(_("This file is not a PNG or JPEG image we can read."), code=IMAGE_REFUSED)
IMAGE_REFUSALS = {
    PictureProblem.TOO_LARGE: ValidationError(
        _("The image is larger than 5 MB. Please upload a smaller one."), code=IMAGE_REFUSED
    ),
    PictureProblem.NOT_A_PICTURE: IMAGE_UNREADABLE,
    PictureProblem.WRONG_FORMAT: ValidationError(_("Only PNG and JPEG images are accepted."), code=IMAGE_REFUSED),
    PictureProblem.TOO_MANY_PIXELS: ValidationError(
        _("The image has too many pixels. Please upload a smaller one."), code=IMAGE_REFUSED
    ),
    PictureProblem.DAMAGED: IMAGE_UNREADABLE,
}


@dataclass(frozen=True)
class ReencodedImage:
    content: bytes
    name: str
    content_type: str


def image_reencode(*, data: bytes) -> ReencodedImage:
    """Only PNG or JPEG, scaled down and re-encoded without metadata (common.images), named by its content.

    Raises ValidationError with a message for the organiser."""
    picture = picture_reencode(
        data=data,
        formats=IMAGE_FORMATS,
        max_bytes=IMAGE_MAX_UPLOAD_BYTES,
        max_pixels=IMAGE_MAX_SOURCE_PIXELS,
        refusals=IMAGE_REFUSALS,
        max_side=IMAGE_MAX_SIDE,
        jpeg_quality=82,
    )
    if len(picture.content) > IMAGE_MAX_STORED_BYTES:
        raise ValidationError(
            _("The image is still over 300 KB after resizing. Please use a JPEG, or a simpler picture."),
            code=IMAGE_REFUSED,
        )
    digest = hashlib.sha256(picture.content).hexdigest()[:24]
    return ReencodedImage(
        content=picture.content, name=f"{digest}.{picture.extension}", content_type=picture.content_type
    )


def image_inline(*, name: str) -> str:
    """The stored image as a data: URI, or "" if it is gone. Names carry the content's hash, so the cache never
    needs invalidating."""
    if not name:
        return ""
    key = f"campaign-image:{name}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read(IMAGE_MAX_STORED_BYTES + 1)
    except (FileNotFoundError, OSError):
        return ""
    inline = f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
    cache.set(key, inline, IMAGE_CACHE_SECONDS)
    return inline
