"""The email an email-to-fax gateway turns into a fax: the letter's PDF, attached, to the office's fax address."""

from anymail.message import AnymailMessage

from campaign.emails import letter_message_id
from campaign.esp import LETTER_REF_METADATA
from campaign.models import Letter
from common.mail import Attachment, address_format, mail_intent

from .models import FaxGateway

FAX_BY_EMAIL = mail_intent("faxing/emails/fax", tag="fax")


def fax_message_build(*, letter: Letter, gateway: FaxGateway, pdf: bytes, filename: str) -> AnymailMessage:
    submission = letter.submission
    return FAX_BY_EMAIL.build(
        to=[gateway.fax_address(fax=letter.office.fax)],
        # Gateways take faxes only from the addresses registered with them.
        from_email=address_format(name=submission.name, email=gateway.sender_email or letter.campaign.from_email),
        language=submission.language,
        context={"subject": submission.subject, "office": letter.office},
        metadata={LETTER_REF_METADATA: letter.reply_token},
        attachments=[Attachment(filename=filename, content=pdf, content_type="application/pdf")],
        message_id=letter_message_id(letter),
    )
