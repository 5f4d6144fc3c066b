"""What the outbox needs from an email service provider, behind one interface chosen by settings.

`LETTER_ESP_ADAPTER` names the adapter class. The adapter sends through Django's EMAIL_BACKEND, so the backend
and the adapter must name the same ESP; the `ESP` setting chooses both (docs/esp.md).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import LETTER_REF_METADATA, AnymailAdapter, EspAdapter, EspLookupError, SendOutcome, SendResult
from .postal import postal_bounce_is_transient
from .postmark import postmark_bounce_is_transient

# Per ESP (anymail's esp_name of the webhook that reported it): is this bounce temporary?
TRANSIENT_BOUNCE_RULES = {"Postmark": postmark_bounce_is_transient, "Postal": postal_bounce_is_transient}
# Per ESP: anymail event types that, for a letter, are a bounce. Postal reports a permanent refusal by the
# office's server as a failed delivery (HardFail), where Postmark reports a bounce.
BOUNCE_EVENT_TYPES = {"Postal": frozenset({"failed"})}

__all__ = [
    "LETTER_REF_METADATA",
    "AnymailAdapter",
    "EspAdapter",
    "EspLookupError",
    "SendOutcome",
    "SendResult",
    "bounce_is_transient",
    "delivery_event_type",
    "esp_adapter",
]


def esp_adapter() -> EspAdapter:
    return import_string(settings.LETTER_ESP_ADAPTER)()


def delivery_event_type(*, esp_name: str, event_type: str) -> str:
    """anymail's normalised event type as the letters read it."""
    return "bounced" if event_type in BOUNCE_EVENT_TYPES.get(esp_name, ()) else event_type


def bounce_is_transient(*, esp_name: str, esp_event: object) -> bool:
    """A temporary bounce (a full mailbox, greylisting) is never on its own a reason to stop mailing an office."""
    rule = TRANSIENT_BOUNCE_RULES.get(esp_name)
    return bool(rule and rule(esp_event))
