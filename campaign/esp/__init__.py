"""What the outbox needs from an email service provider, behind one interface chosen by settings.

`LETTER_ESP_ADAPTER` names the adapter class. The adapter sends through Django's EMAIL_BACKEND (anymail),
so the backend and the adapter must name the same ESP.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import LETTER_REF_METADATA, AnymailAdapter, EspAdapter, EspLookupError, SendOutcome, SendResult

__all__ = [
    "LETTER_REF_METADATA",
    "AnymailAdapter",
    "EspAdapter",
    "EspLookupError",
    "SendOutcome",
    "SendResult",
    "esp_adapter",
]


def esp_adapter() -> EspAdapter:
    return import_string(settings.LETTER_ESP_ADAPTER)()
