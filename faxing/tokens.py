"""The address Sinch reports a fax's outcome to: one per letter, so the report names its letter and cannot be
forged for another one."""

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "faxing.callback"


def fax_callback_token(*, letter_id: int) -> str:
    return salted_hmac(SALT, str(letter_id), algorithm="sha256").hexdigest()[:40]


def fax_callback_token_valid(*, letter_id: int, token: str) -> bool:
    return constant_time_compare(fax_callback_token(letter_id=letter_id), token)


def fax_callback_url(*, letter_id: int) -> str:
    path = reverse("faxing:sinch_callback", args=[letter_id, fax_callback_token(letter_id=letter_id)])
    return settings.SITE_URL.rstrip("/") + path
