"""What an uploaded poster is, decided by its content, never by its name: a PDF that parses, or a picture that
Pillow can decode, which is then re-encoded (common.images) so no metadata (EXIF, GPS, comments) is served."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from common.images import PictureProblem, picture_reencode

from .models import PosterFileKind

POSTER_BYTES_MAX = 20 * 1024 * 1024
# A poster at 300 dpi on A3 is about 3508 × 4961 pixels; more is a decompression bomb, not a poster.
POSTER_PIXELS_MAX = 5000 * 7100
POSTER_PICTURE_KINDS = {"PNG": PosterFileKind.PNG, "JPEG": PosterFileKind.JPEG}


@dataclass(frozen=True)
class CheckedPoster:
    kind: str
    content: bytes


def poster_file_check(upload: UploadedFile) -> CheckedPoster:
    """The upload as it will be stored, or ValidationError saying what is wrong with it."""
    if upload.size is not None and upload.size > POSTER_BYTES_MAX:
        raise _too_large()
    data = upload.read(POSTER_BYTES_MAX + 1)
    if len(data) > POSTER_BYTES_MAX:
        raise _too_large()
    if data.startswith(b"%PDF-"):
        return CheckedPoster(kind=PosterFileKind.PDF, content=_pdf_checked(data))
    return _picture_reencoded(data)


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is larger than %(limit)s.") % {"limit": filesizeformat(POSTER_BYTES_MAX)}, code="too_large"
    )


def _pdf_checked(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted or not len(reader.pages):
            raise ValidationError(_("The PDF is encrypted or has no pages."), code="bad_pdf")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise ValidationError(_("The file starts like a PDF but cannot be read as one."), code="bad_pdf") from error
    return data


def _picture_reencoded(data: bytes) -> CheckedPoster:
    not_accepted = ValidationError(_("Only PDF, PNG and JPEG files are accepted."), code="bad_type")
    picture = picture_reencode(
        data=data,
        formats=POSTER_PICTURE_KINDS,
        max_bytes=POSTER_BYTES_MAX,
        max_pixels=POSTER_PIXELS_MAX,
        refusals={
            PictureProblem.TOO_LARGE: _too_large(),
            PictureProblem.NOT_A_PICTURE: not_accepted,
            PictureProblem.WRONG_FORMAT: not_accepted,
            PictureProblem.TOO_MANY_PIXELS: ValidationError(
                _("The picture has too many pixels for a poster."), code="too_many_pixels"
            ),
            PictureProblem.DAMAGED: not_accepted,
        },
        jpeg_quality=90,  # printed large: kept at full size and close to the original
    )
    return CheckedPoster(kind=POSTER_PICTURE_KINDS[picture.format], content=picture.content)
