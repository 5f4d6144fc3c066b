"""Who carries a letter to its office: the outbox asks the letter's courier, one per LetterChannel.

The email courier is here. The fax courier renders the letter as a PDF, which only apps built on `campaign` can
do, so `LETTER_FAX_COURIER` names it by path (like `LETTER_ESP_ADAPTER`) and `campaign` never imports it; an
empty setting turns the fax channel off. The outbox keeps everything else (the claim, retries, the lookup
before a resend, the counts) the same for every channel.
"""

import functools
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from .emails import letter_message_build
from .esp import SendOutcome, esp_adapter
from .models import ContactChannel, Letter, LetterChannel

# Stored in English like the ESP's own reasons; the status page translates the ones it knows.
REASON_OFFICE_NOT_EMAILABLE = gettext_noop("The office's email address is no longer in use for mail.")
REASON_FAX_CHANNEL_OFF = gettext_noop("Sending by fax is not available.")


class LetterCourier(Protocol):
    contact_channel: ContactChannel

    def undeliverable_reason(self, *, letter: Letter) -> str:
        """Why this letter cannot go at all (a permanent failure), or ""."""

    def accepted_id(self, *, letter: Letter) -> str | None:
        """The id under which an earlier attempt was accepted, None if none was. Raises EspLookupError when the
        service cannot answer now."""

    def send(self, *, letter: Letter) -> SendOutcome: ...


class EmailCourier:
    """The letter as an email to the office, through the ESP adapter."""

    contact_channel = ContactChannel.EMAIL_SENT

    def undeliverable_reason(self, *, letter: Letter) -> str:
        return "" if letter.office.can_receive_email else REASON_OFFICE_NOT_EMAILABLE

    def accepted_id(self, *, letter: Letter) -> str | None:
        return esp_adapter().accepted_message_id(letter_ref=letter.reply_token)

    def send(self, *, letter: Letter) -> SendOutcome:
        message = letter_message_build(letter, closing=letter.template_closing or "")
        return esp_adapter().send(message=message, recipient=letter.office.email)


class FaxCourier(LetterCourier, Protocol):
    def sending_available(self, *, host_country: str) -> bool:
        """Whether offices in this country can be faxed now (an organiser configured an active gateway)."""


class NoFaxCourier:
    """LETTER_FAX_COURIER is empty: no country offers sending by fax, and a fax letter fails visibly."""

    contact_channel = ContactChannel.FAX

    def sending_available(self, *, host_country: str) -> bool:
        return False

    def undeliverable_reason(self, *, letter: Letter) -> str:
        return REASON_FAX_CHANNEL_OFF

    def accepted_id(self, *, letter: Letter) -> str | None:
        return None

    def send(self, *, letter: Letter) -> SendOutcome:
        raise AssertionError("undeliverable_reason stops every fax letter first")


@functools.cache
def _fax_courier_class(path: str) -> type:
    return import_string(path) if path else NoFaxCourier


def fax_courier() -> FaxCourier:
    return _fax_courier_class(settings.LETTER_FAX_COURIER)()


def letter_courier(*, channel: str) -> LetterCourier:
    return fax_courier() if channel == LetterChannel.FAX else EmailCourier()
