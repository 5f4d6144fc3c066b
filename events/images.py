"""Photos of events, made safe to publish: recognised by their content, re-encoded, without any metadata.

A camera's EXIF block can hold where and when a photo was taken and by which device: the people in a protest
photo must not be found through it. Re-encoding the pixels into a new file drops EXIF, XMP, ICC profiles and
text chunks, and anything a crafted file hid after its image data. Pure: no database.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# Far beyond any camera's photo, far below what would exhaust a worker's memory when decoded.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def image_reencode(*, data: bytes, max_bytes: int, max_side: int) -> CleanImage:
    """The photo re-encoded as a new JPEG or PNG, at most max_side pixels on its longer side.

    Raises ValidationError with a reason a person can act on for anything else: too large, not a picture, a
    picture in another format, or a damaged one.
    """
    if len(data) > max_bytes:
        raise ValidationError(
            _("This photo is too large. Please upload one under %(megabytes)s MB.")
            % {"megabytes": max(1, max_bytes // (1024 * 1024))},
            code="too_large",
        )
    image = _image_open(data)
    kind = image.format
    if kind not in ACCEPTED_FORMATS:
        raise ValidationError(_("Only JPEG and PNG photos are accepted."), code="format")
    try:
        image = ImageOps.exif_transpose(image)  # keep the photo upright once its orientation tag is gone
        image.thumbnail((max_side, max_side))
        image = _pixels_only(image, kind=kind)
        output = io.BytesIO()
        if kind == "JPEG":
            image.save(output, format="JPEG", quality=85, optimize=True)
        else:
            image.save(output, format="PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This photo is damaged and cannot be read."), code="damaged") from error
    content_type, extension = ACCEPTED_FORMATS[kind]
    return CleanImage(
        content=output.getvalue(),
        content_type=content_type,
        extension=extension,
        width=image.width,
        height=image.height,
    )


def _image_open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("This photo has too many pixels."), code="too_many_pixels")
            image.load()
        except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(_("Only JPEG and PNG photos are accepted."), code="format") from None
        except (OSError, ValueError, SyntaxError, EOFError) as error:
            raise ValidationError(_("This photo is damaged and cannot be read."), code="damaged") from error
    return image


def _pixels_only(image: Image.Image, *, kind: str) -> Image.Image:
    """A new image holding the pixels alone: `info` (EXIF, ICC, XMP, PNG text) is not carried over."""
    if kind == "JPEG":
        mode = "RGB" if image.mode not in ("L", "RGB") else image.mode
    else:
        mode = image.mode if image.mode in ("1", "L", "LA", "RGB", "RGBA", "P") else "RGBA"
    converted = image.convert(mode)
    clean = Image.new(converted.mode, converted.size)
    if converted.mode == "P":
        clean.putpalette(converted.getpalette() or [])
        if "transparency" in converted.info:
            clean.info["transparency"] = converted.info["transparency"]
    clean.paste(converted)
    return clean
