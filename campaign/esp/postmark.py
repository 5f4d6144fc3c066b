"""Postmark: sending through anymail's Postmark backend, and the outbound message search by metadata."""

from django.conf import settings

import requests

from common.mail import mail_connection_drop, mail_http_session

from .base import LETTER_REF_METADATA, AnymailAdapter, EspLookupError

# Postmark's bounce types that say "not now" rather than "never": https://postmarkapp.com/developer/api/bounce-api
POSTMARK_TRANSIENT_BOUNCES = frozenset(
    {"SoftBounce", "Transient", "DnsError", "AutoResponder", "ChallengeVerification", "Unknown", "Blocked"}
)


def postmark_bounce_is_transient(esp_event: object) -> bool:
    return isinstance(esp_event, dict) and esp_event.get("Type") in POSTMARK_TRANSIENT_BOUNCES


class PostmarkAdapter(AnymailAdapter):
    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        api_url = settings.ANYMAIL.get("POSTMARK_API_URL", "https://api.postmarkapp.com/")
        try:
            response = (mail_http_session() or requests).get(
                api_url.rstrip("/") + "/messages/outbound",
                params={"count": 1, "offset": 0, f"metadata_{LETTER_REF_METADATA}": letter_ref},
                headers={
                    "Accept": "application/json",
                    "X-Postmark-Server-Token": settings.ANYMAIL.get("POSTMARK_SERVER_TOKEN", ""),
                },
                timeout=10,
            )
            response.raise_for_status()
            messages = response.json().get("Messages") or []
            return str(messages[0]["MessageID"]) if messages else None
        except (requests.RequestException, ValueError, KeyError, TypeError, AttributeError) as error:
            mail_connection_drop()  # the next request starts on a fresh connection
            raise EspLookupError(f"Could not ask the ESP whether the letter was sent: {error}") from error
