"""Photos of events, made safe to publish: recognised by their content, re-encoded, without any metadata.

The people in a protest photo must not be found through where, when or with which device it was taken:
common.images writes each photo afresh from its pixels. This module keeps the events' limits and words. Pure.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.images import Picture, PictureProblem, picture_reencode

ACCEPTED_FORMATS = ("JPEG", "PNG")
# Far beyond any camera's photo, far below what would exhaust a worker's memory when decoded.
MAX_PIXELS = 60_000_000


def photo_too_large(*, max_bytes: int) -> ValidationError:
    return ValidationError(
        _("This photo is too large. Please upload one under %(megabytes)s MB.")
        % {"megabytes": max(1, max_bytes // (1024 * 1024))},
        code="too_large",
    )


def image_reencode(*, data: bytes, max_bytes: int, max_side: int) -> Picture:
    """The photo re-encoded as a new JPEG or PNG, at most max_side pixels on its longer side.

    Raises ValidationError with a reason a person can act on for anything else: too large, not a picture, a
    picture in another format, or a damaged one.
    """
    not_accepted = ValidationError(_("Only JPEG and PNG photos are accepted."), code="format")
    return picture_reencode(
        data=data,
        formats=ACCEPTED_FORMATS,
        max_bytes=max_bytes,
        max_pixels=MAX_PIXELS,
        refusals={
            PictureProblem.TOO_LARGE: photo_too_large(max_bytes=max_bytes),
            PictureProblem.NOT_A_PICTURE: not_accepted,
            PictureProblem.WRONG_FORMAT: not_accepted,
            PictureProblem.TOO_MANY_PIXELS: ValidationError(
                _("This photo has too many pixels."), code="too_many_pixels"
            ),
            PictureProblem.DAMAGED: ValidationError(_("This photo is damaged and cannot be read."), code="damaged"),
        },
        max_side=max_side,
        jpeg_quality=85,
    )
