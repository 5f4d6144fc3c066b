"""The ESP adapter interface, and the generic adapter for any anymail backend."""

import enum
from dataclasses import dataclass

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused, AnymailRequestsAPIError
from anymail.message import AnymailMessage

from common.mail import mail_send

# Metadata the ESP keeps with each letter, so a possibly-sent letter can be looked up before resending,
# and a tracking event without a known message id can still find its letter.
LETTER_REF_METADATA = "letter_ref"
# Per-recipient statuses with which anymail reports that the ESP will not deliver.
REFUSED_STATUSES = {"rejected", "invalid", "failed"}


class EspLookupError(Exception):
    """The ESP could not say now whether it already accepted a message."""


class SendResult(enum.Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"  # permanent: sending again would fail again
    TRY_LATER = "try_later"  # transient: the ESP may take it later


@dataclass(frozen=True)
class SendOutcome:
    result: SendResult
    message_id: str = ""
    reason: str = ""


class EspAdapter:
    """Send one message to one recipient, and answer "was this letter already accepted?"."""

    def send(self, *, message: AnymailMessage, recipient: str) -> SendOutcome:
        raise NotImplementedError

    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        """The ESP's id of the message sent with this letter_ref, None if it never took one.

        Raises EspLookupError when the ESP cannot answer now. An adapter that cannot be asked returns None:
        sending is then at-least-once.
        """
        raise NotImplementedError


class AnymailAdapter(EspAdapter):
    """Any anymail backend. It cannot be asked about earlier messages."""

    def send(self, *, message: AnymailMessage, recipient: str) -> SendOutcome:
        try:
            mail_send(message)
        except AnymailRecipientsRefused as error:
            return SendOutcome(SendResult.REFUSED, reason=self.error_reason(error))
        except AnymailRequestsAPIError as error:
            result = SendResult.TRY_LATER if self.api_error_is_transient(error) else SendResult.REFUSED
            return SendOutcome(result, reason=self.error_reason(error))
        except AnymailAPIError as error:
            return SendOutcome(SendResult.REFUSED, reason=self.error_reason(error))
        status = message.anymail_status.recipients.get(recipient)
        if status is not None and status.status in REFUSED_STATUSES:
            return SendOutcome(SendResult.REFUSED, reason=f"The ESP refused the address ({status.status}).")
        message_id = status.message_id if status else message.anymail_status.message_id
        return SendOutcome(SendResult.ACCEPTED, message_id="" if message_id is None else str(message_id))

    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        return None

    def api_error_is_transient(self, error: AnymailRequestsAPIError) -> bool:
        """No answer, the ESP's own trouble (5xx) or its rate limit (429): the same request may succeed later."""
        return error.status_code is None or error.status_code >= 500 or error.status_code == 429

    def error_reason(self, error: Exception) -> str:
        return esp_reason(error)


def esp_reason(error: Exception) -> str:
    """The ESP's own words for an error, with the HTTP status, in at most 500 characters."""
    status_code = getattr(error, "status_code", None)
    response = getattr(error, "response", None)
    detail = ""
    if response is not None:
        try:
            detail = response.json().get("Message", "")
        except (ValueError, AttributeError):
            detail = getattr(response, "text", "")[:200]
    first_line = str(error).splitlines()[0] if str(error) else error.__class__.__name__
    parts = [f"HTTP {status_code}" if status_code else "", detail or first_line]
    return ": ".join(part for part in parts if part)[:500]
