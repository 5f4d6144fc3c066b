"""Uploaded pictures made safe to keep and to publish: judged by their content, written afresh from their pixels.

A camera's EXIF block can tell where and when a photo was taken and with which device, and a crafted file can hide
anything after its image data. A new file from the pixels alone carries no EXIF, GPS, XMP, ICC profile, comment or
text chunk. The campaign image, event photos and posters all come through here; each caller keeps its own limits
and its own words for a refusal. Pure: no database, no app.
"""

import contextlib
import enum
import io
import struct
import threading
import warnings
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ENCODABLE_FORMATS = frozenset({"PNG", "JPEG"})
# What Pillow's parsers and decoders raise on a damaged or crafted file; none of it may become a 500.
UNREADABLE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    struct.error,
)
# zlib's hardest level triples the time on a poster-sized picture for a file about 1% smaller.
PNG_OPTIMISE_MAX_PIXELS = 4_000_000
_STRICT_DECODING = threading.Lock()


class PictureProblem(enum.Enum):
    """Why an upload is refused. Each caller maps every problem to its own message and code."""

    TOO_LARGE = "too_large"
    NOT_A_PICTURE = "not_a_picture"
    WRONG_FORMAT = "wrong_format"
    TOO_MANY_PIXELS = "too_many_pixels"
    DAMAGED = "damaged"


@dataclass(frozen=True)
class Picture:
    content: bytes
    format: str  # Pillow's name, one of ENCODABLE_FORMATS: the format it came in
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return "image/jpeg" if self.format == "JPEG" else "image/png"

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "JPEG" else "png"


def picture_reencode(
    *,
    data: bytes,
    formats: Collection[str],
    max_bytes: int,
    max_pixels: int,
    refusals: Mapping[PictureProblem, ValidationError],
    max_side: int | None = None,
    jpeg_quality: int = 85,
) -> Picture:
    """The picture in `data` written afresh in the format it came in, turned upright, scaled to fit `max_side`.

    `formats` are Pillow's names, a subset of ENCODABLE_FORMATS. `max_pixels` is checked on the declared size,
    before anything is decoded, so a decompression bomb costs nothing. Anything else raises a ValidationError
    copied from `refusals`, which must name every PictureProblem; nothing else is raised.
    """
    if not set(formats) <= ENCODABLE_FORMATS or set(refusals) != set(PictureProblem):
        raise ValueError("picture_reencode needs formats among PNG and JPEG and a refusal for every problem.")
    if len(data) > max_bytes:
        raise _refusal(refusals, PictureProblem.TOO_LARGE)
    source = _picture_open(data, formats=formats, max_pixels=max_pixels, refusals=refusals)
    kind = source.format
    try:
        # The orientation tag goes with the metadata, so it is applied to the pixels first.
        picture = _pixels_only(ImageOps.exif_transpose(source), kind=kind)
        if max_side is not None:
            picture.thumbnail((max_side, max_side))
        output = io.BytesIO()
        if kind == "JPEG":
            picture.save(output, format="JPEG", quality=jpeg_quality, optimize=True, progressive=True)
        else:
            optimise = picture.width * picture.height <= PNG_OPTIMISE_MAX_PIXELS
            picture.save(output, format="PNG", optimize=optimise)
    except (*UNREADABLE_ERRORS, Image.DecompressionBombError) as error:
        raise _refusal(refusals, PictureProblem.DAMAGED) from error
    return Picture(content=output.getvalue(), format=kind, width=picture.width, height=picture.height)


def _picture_open(
    data: bytes, *, formats: Collection[str], max_pixels: int, refusals: Mapping[PictureProblem, ValidationError]
) -> Image.Image:
    """The decoded picture, recognised by its bytes (there is no file name to trust)."""
    with _strict_decoding():
        try:
            picture = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            raise _refusal(refusals, PictureProblem.NOT_A_PICTURE) from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _refusal(refusals, PictureProblem.TOO_MANY_PIXELS) from None
        except UNREADABLE_ERRORS as error:
            raise _refusal(refusals, PictureProblem.DAMAGED) from error
        if picture.format not in formats:
            raise _refusal(refusals, PictureProblem.WRONG_FORMAT)
        if picture.width * picture.height > max_pixels:
            raise _refusal(refusals, PictureProblem.TOO_MANY_PIXELS)
        try:
            picture.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _refusal(refusals, PictureProblem.TOO_MANY_PIXELS) from None
        except UNREADABLE_ERRORS as error:
            raise _refusal(refusals, PictureProblem.DAMAGED) from error
    return picture


@contextlib.contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow's switches are process-wide: WeasyPrint turns LOAD_TRUNCATED_IMAGES on when imported, which would
    let a cut-off upload through filled with grey, and Pillow only warns between MAX_IMAGE_PIXELS and twice that.
    While an upload is decoded both refuse; the lock keeps two uploads from restoring each other's values."""
    with _STRICT_DECODING, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # Corrupt EXIF goes with the rest of the metadata; Pillow's warning about it would only fill the logs.
        warnings.filterwarnings("ignore", message="Corrupt EXIF data", category=UserWarning)
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _pixels_only(picture: Image.Image, *, kind: str) -> Image.Image:
    """A new image holding the pixels alone: Pillow would otherwise carry `info` (EXIF, ICC, XMP, text) along.

    Palettes become RGB(A) so that scaling down stays smooth; transparency is kept in a PNG.
    """
    if kind == "JPEG":
        mode = "L" if picture.mode in ("1", "L") else "RGB"
    elif picture.mode in ("LA", "RGBA", "PA") or "transparency" in picture.info:
        mode = "RGBA"
    elif picture.mode in ("1", "L"):
        mode = "L"
    else:
        mode = "RGB"
    converted = picture.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _refusal(refusals: Mapping[PictureProblem, ValidationError], problem: PictureProblem) -> ValidationError:
    """A fresh copy of the caller's refusal, so a shared one never collects tracebacks across requests."""
    template = refusals[problem]
    return ValidationError(template.message, code=template.code, params=template.params)
