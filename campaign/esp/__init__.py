"""What the outbox needs from an email service provider, behind one interface chosen by settings.

`LETTER_ESP_ADAPTER` names the adapter class. The adapter sends through Django's EMAIL_BACKEND (anymail),
so the backend and the adapter must name the same ESP.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import LETTER_REF_METADATA, AnymailAdapter, EspAdapter, EspLookupError, SendOutcome, SendResult
from .postmark import postmark_bounce_is_transient

# Per ESP (anymail's esp_name of the webhook that reported it): is this bounce temporary?
TRANSIENT_BOUNCE_RULES = {"Postmark": postmark_bounce_is_transient}

__all__ = [
    "LETTER_REF_METADATA",
    "AnymailAdapter",
    "EspAdapter",
    "EspLookupError",
    "SendOutcome",
    "SendResult",
    "bounce_is_transient",
    "esp_adapter",
]


def esp_adapter() -> EspAdapter:
    return import_string(settings.LETTER_ESP_ADAPTER)()


def bounce_is_transient(*, esp_name: str, esp_event: object) -> bool:
    """A temporary bounce (a full mailbox, greylisting) is never on its own a reason to stop mailing an office."""
    rule = TRANSIENT_BOUNCE_RULES.get(esp_name)
    return bool(rule and rule(esp_event))
