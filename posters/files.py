"""What an uploaded poster is, decided by its content, never by its name: a PDF that parses, or a picture that
Pillow can decode, which is then re-encoded so no metadata (EXIF, GPS, comments) is served."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .models import PosterFileKind

POSTER_BYTES_MAX = 20 * 1024 * 1024
# A poster at 300 dpi on A3 is about 3508 × 4961 pixels; more is a decompression bomb, not a poster.
POSTER_PIXELS_MAX = 5000 * 7100


@dataclass(frozen=True)
class CheckedPoster:
    kind: str
    content: bytes


def poster_file_check(upload: UploadedFile) -> CheckedPoster:
    """The upload as it will be stored, or ValidationError saying what is wrong with it."""
    too_large = ValidationError(
        _("The file is larger than %(limit)s.") % {"limit": filesizeformat(POSTER_BYTES_MAX)}, code="too_large"
    )
    if upload.size is not None and upload.size > POSTER_BYTES_MAX:
        raise too_large
    data = upload.read(POSTER_BYTES_MAX + 1)
    if len(data) > POSTER_BYTES_MAX:
        raise too_large
    if data.startswith(b"%PDF-"):
        return CheckedPoster(kind=PosterFileKind.PDF, content=_pdf_checked(data))
    return _picture_reencoded(data)


def _pdf_checked(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted or not len(reader.pages):
            raise ValidationError(_("The PDF is encrypted or has no pages."), code="bad_pdf")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise ValidationError(_("The file starts like a PDF but cannot be read as one."), code="bad_pdf") from error
    return data


def _picture_reencoded(data: bytes) -> CheckedPoster:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.format not in ("PNG", "JPEG"):
                raise ValidationError(_("Only PDF, PNG and JPEG files are accepted."), code="bad_type")
            if picture.width * picture.height > POSTER_PIXELS_MAX:
                raise ValidationError(_("The picture has too many pixels for a poster."), code="too_many_pixels")
            picture.load()
            kind = PosterFileKind.PNG if picture.format == "PNG" else PosterFileKind.JPEG
            clean = picture.convert("RGBA" if kind == PosterFileKind.PNG else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("Only PDF, PNG and JPEG files are accepted."), code="bad_type") from error
    output = io.BytesIO()
    # A new image from the pixels alone: nothing of the original file's metadata comes along.
    fresh = Image.new(clean.mode, clean.size)
    fresh.paste(clean)
    fresh.save(output, format="PNG" if kind == PosterFileKind.PNG else "JPEG", quality=90)
    return CheckedPoster(kind=kind, content=output.getvalue())
