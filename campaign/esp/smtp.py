"""Plain SMTP (Django's SMTP backend: the campaign's own mail server, or any relay) behind the ESP adapter.

A mail server gives its verdict while it takes the letter: 2xx taken, 4xx "not now", 5xx "never". The adapter
turns that into the outbox's ACCEPTED / TRY_LATER / REFUSED with the server's code and words as the reason, so a
refused letter fails visibly and a server that is down leaves the letter queued, never in `sending`. A mail
server cannot be asked later whether it already took a letter: sending is at-least-once (docs/esp.md).
"""

import smtplib

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend
from django.core.mail.message import EmailMessage, sanitize_address

from anymail.message import AnymailMessage

from common.mail import mail_send

from .base import EspAdapter, SendOutcome, SendResult

# Where EmailBackend leaves the server's answer to each recipient it refused: address → (code, text).
REFUSED_RECIPIENTS = "smtp_refused_recipients"


def smtp_answer_text(code: int, text: bytes | str) -> str:
    """A server's answer on one line, as its log would show it: "550 5.1.1 <x@example.org>: User unknown"."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return " ".join(f"{code} {text}".split())[:500]


class EmailBackend(DjangoSmtpBackend):
    """Django's SMTP backend, except that it keeps the server's answer for each recipient it refused.

    Django's own drops the recipients a server refuses while it takes others: a letter to an office answering
    550, with the reply address in Cc, would count as sent."""

    def _send(self, email_message: EmailMessage) -> bool:
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        addresses = {sanitize_address(address, encoding): address for address in email_message.recipients()}
        content = email_message.message().as_bytes(linesep="\r\n")
        try:
            refused = self.connection.sendmail(from_email, list(addresses), content)
        except smtplib.SMTPRecipientsRefused as error:
            _refused_keep(email_message, answers=error.recipients, addresses=addresses)
            raise
        _refused_keep(email_message, answers=refused, addresses=addresses)
        return True


def _refused_keep(email_message: EmailMessage, *, answers: dict, addresses: dict[str, str]) -> None:
    """The answers under the addresses as the message names them, not as they went on the wire (IDNA)."""
    setattr(email_message, REFUSED_RECIPIENTS, {addresses.get(key, key): answer for key, answer in answers.items()})


def _verdict(code: int, text: bytes | str) -> SendOutcome:
    result = SendResult.REFUSED if 500 <= code < 600 else SendResult.TRY_LATER
    return SendOutcome(result, reason=smtp_answer_text(code, text))


def _unavailable_reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return "Mail server unavailable: " + smtp_answer_text(error.smtp_code, error.smtp_error)
    return f"Mail server unavailable: {error.__class__.__name__}: {error}"[:500]


class SmtpAdapter(EspAdapter):
    def send(self, *, message: AnymailMessage, recipient: str) -> SendOutcome:
        try:
            mail_send(message)
        except smtplib.SMTPRecipientsRefused as error:
            answers = getattr(message, REFUSED_RECIPIENTS, None) or error.recipients
            return _verdict(*answers.get(recipient, next(iter(answers.values()))))
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            # The server refused this message (its content or its sender): for good only if it said so (5xx).
            return _verdict(error.smtp_code, error.smtp_error)
        except (smtplib.SMTPException, OSError) as error:
            # Down, unreachable, timed out, or refusing the session itself (greeting, HELO, login): not this letter.
            return SendOutcome(SendResult.TRY_LATER, reason=_unavailable_reason(error))
        answer = getattr(message, REFUSED_RECIPIENTS, {}).get(recipient)
        if answer is not None:  # the server took the other recipients (the Cc'd reply address), not the office
            return _verdict(*answer)
        return SendOutcome(SendResult.ACCEPTED, message_id=message.extra_headers.get("Message-ID", ""))

    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        # A mail server keeps no searchable record of what it took.
        return None
