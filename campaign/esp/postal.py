"""Postal, the self-hosted mail server: sending through anymail's Postal backend, and reading Postal's answers.

Postal's send API answers HTTP 200 even when it refuses a message; the verdict is in the JSON body
(`"status": "error"`, `data.code`, `data.message`). Postal keeps no metadata and cannot search its messages, so
it cannot say whether an earlier attempt already reached it: a letter whose worker died mid-request may be sent
twice (docs/esp.md).
"""

from anymail.backends.postal import EmailBackend as AnymailPostalBackend
from anymail.backends.postal import PostalPayload as AnymailPostalPayload
from anymail.exceptions import AnymailRequestsAPIError

from .base import AnymailAdapter, esp_reason

# Postal's answers about its own server or our key, not about the letter: once an operator fixes them the same
# letter goes through, so they are worth retrying (postal: app/controllers/legacy_api/base_controller.rb).
POSTAL_SERVER_ERRORS = frozenset({"AccessDenied", "InvalidServerAPIKey", "ServerSuspended"})
# Postal reports a HardFail with this detail when it stops retrying a temporary refusal (a full mailbox,
# greylisting): the office's address may still be good.
POSTAL_GAVE_UP_RETRYING = "Maximum number of delivery attempts"


def postal_bounce_is_transient(esp_event: object) -> bool:
    payload = esp_event.get("payload") if isinstance(esp_event, dict) else None
    if not isinstance(payload, dict) or payload.get("status") != "HardFail":
        return False
    return str(payload.get("details") or "").startswith(POSTAL_GAVE_UP_RETRYING)


def postal_error(error: Exception) -> tuple[str, str]:
    """Postal's error code and message, or empty strings when the answer was not Postal's JSON (a proxy's 502)."""
    try:
        answer = error.response.json()
        data = answer.get("data") or {}
        return str(data.get("code") or answer.get("status") or ""), str(data.get("message") or "")
    except (AttributeError, ValueError, TypeError):
        return "", ""


class PostalPayload(AnymailPostalPayload):
    """Every message we build carries metadata and asks for no open or click tracking. Postal keeps no metadata
    (its events name a message by Postal's own id, which the outbox stores) and tracks per domain, never per
    message: both are accepted and left out, so anymail does not refuse the message as unsupported."""

    def set_metadata(self, metadata: dict) -> None:
        pass

    def set_track_opens(self, track_opens: bool) -> None:
        if track_opens:
            super().set_track_opens(track_opens)

    def set_track_clicks(self, track_clicks: bool) -> None:
        if track_clicks:
            super().set_track_clicks(track_clicks)


class EmailBackend(AnymailPostalBackend):
    """anymail's Postal backend, sending our messages as they are built (see PostalPayload)."""

    def build_message_payload(self, message: object, defaults: dict) -> PostalPayload:
        return PostalPayload(message, defaults, self)


class PostalAdapter(AnymailAdapter):
    def api_error_is_transient(self, error: AnymailRequestsAPIError) -> bool:
        code, _message = postal_error(error)
        return super().api_error_is_transient(error) or code in POSTAL_SERVER_ERRORS

    def error_reason(self, error: Exception) -> str:
        code, message = postal_error(error)
        if not (code or message):
            return esp_reason(error)
        return ": ".join(part for part in (f"Postal {code}".strip(), message) if part)[:500]

    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        # Postal's API finds a message only by Postal's own id, which a dead worker never received.
        return None
