"""Signal receivers: the ESP's delivery events and inbound mail (through anymail), and erased supporters' replies.

No receiver touches the progress figures: progress_cache rebuilds them on a timer, not on every contact.
"""

from typing import Any

from django.dispatch import receiver

from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from anymail.webhooks.base import AnymailCoreWebhookView

from campaign.esp import bounce_is_transient, delivery_event_type
from campaign.signals import submission_erased

from .services import letter_delivery_apply, replies_content_erase, reply_receive


@receiver(tracking, dispatch_uid="tracking.letter_delivery")
def letter_delivery_received(
    sender: type[AnymailCoreWebhookView] | Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    event_type = delivery_event_type(esp_name=esp_name, event_type=event.event_type)
    letter_delivery_apply(
        event_type=event_type,
        message_id=_id_text(event.message_id),
        event_id=_id_text(event.event_id),
        timestamp=event.timestamp.isoformat() if event.timestamp else None,
        recipient=event.recipient,
        description=_description(event),
        metadata=event.metadata,
        transient=event_type == "bounced" and bounce_is_transient(esp_name=esp_name, esp_event=event.esp_event),
    )


@receiver(inbound, dispatch_uid="tracking.inbound_reply")
def inbound_reply_received(
    sender: type[AnymailCoreWebhookView] | Any, event: AnymailInboundEvent, esp_name: str, **kwargs: Any
) -> None:
    reply_receive(event_id=_id_text(event.event_id), message=event.message, received_at=event.timestamp)


def _id_text(value: object) -> str | None:
    # Postal's ids are numbers; the letters store every ESP's ids as text.
    return None if value is None else str(value)


def _description(event: AnymailTrackingEvent) -> str | None:
    """The ESP's summary with the receiving server's own answer, which says why (Postal's summary alone does not)."""
    parts = [part.strip() for part in (event.description, event.mta_response) if part and part.strip()]
    if len(parts) == 2 and parts[1] in parts[0]:
        parts.pop()
    return ": ".join(parts) or None


@receiver(submission_erased, dispatch_uid="tracking.replies_of_erased_submission")
def replies_of_erased_submission_purge(sender: type, letter_ids: list[int], **kwargs: Any) -> None:
    """Replies forwarded to a supporter who erased their data go with it; the "has replied" count stays."""
    replies_content_erase(letter_ids=letter_ids)
