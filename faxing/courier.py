"""The fax courier (settings.LETTER_FAX_COURIER): a fax letter as a PDF through its country's gateway.

The outbox (campaign/services/outbox.py) claims, retries and records the letter as for an email; this decides
only how it travels. Email to fax goes out through the ESP like every other email, so the ESP's own lookup
guards against a second copy; Sinch is asked by the letter's callback address.
"""

from django.utils.translation import gettext_noop

from campaign.esp import SendOutcome, SendResult, esp_adapter
from campaign.models import ContactChannel, Letter

from .documents import fax_filename, letter_fax_pdf
from .emails import fax_message_build
from .models import FaxGateway, GatewayKind
from .selectors import fax_gateway_for_country
from .sinch import SinchFaxApi
from .tokens import fax_callback_url

# Stored in English like the gateways' own reasons; the status page translates the ones it knows.
REASON_NO_FAX_NUMBER = gettext_noop("The office no longer lists a fax number.")
REASON_NO_GATEWAY = gettext_noop("Sending by fax is no longer available in this country.")


class GatewayFaxCourier:
    contact_channel = ContactChannel.FAX

    def sending_available(self, *, host_country: str) -> bool:
        return fax_gateway_for_country(host_country=host_country) is not None

    def undeliverable_reason(self, *, letter: Letter) -> str:
        if not letter.office.fax:
            return REASON_NO_FAX_NUMBER
        if self._gateway(letter) is None:
            return REASON_NO_GATEWAY
        return ""

    def accepted_id(self, *, letter: Letter) -> str | None:
        gateway = self._gateway(letter)
        if gateway is None or not letter.office.fax:
            return None
        if gateway.kind == GatewayKind.EMAIL:
            return esp_adapter().accepted_message_id(letter_ref=letter.reply_token)
        return SinchFaxApi(gateway).fax_find(to=letter.office.fax, callback_url=fax_callback_url(letter_id=letter.pk))

    def send(self, *, letter: Letter) -> SendOutcome:
        gateway = self._gateway(letter)
        if gateway is None:  # switched off since undeliverable_reason looked
            return SendOutcome(SendResult.REFUSED, reason=REASON_NO_GATEWAY)
        pdf, filename = letter_fax_pdf(letter=letter), fax_filename(letter=letter)
        if gateway.kind == GatewayKind.EMAIL:
            message = fax_message_build(letter=letter, gateway=gateway, pdf=pdf, filename=filename)
            return esp_adapter().send(message=message, recipient=message.to[0])
        return SinchFaxApi(gateway).fax_send(
            to=letter.office.fax, pdf=pdf, filename=filename, callback_url=fax_callback_url(letter_id=letter.pk)
        )

    def _gateway(self, letter: Letter) -> FaxGateway | None:
        return fax_gateway_for_country(host_country=letter.office.host_country.code)
