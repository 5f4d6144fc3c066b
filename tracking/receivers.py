"""Signal receivers: the ESP's delivery events and inbound mail (through anymail), and the progress cache."""

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_save
from django.dispatch import receiver

from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from anymail.webhooks.base import AnymailCoreWebhookView

from campaign.esp import bounce_is_transient
from campaign.models import ContactEvent
from campaign.signals import submission_erased

from .models import Reply, SurveyAnswer
from .progress_cache import progress_cache_invalidate
from .services import letter_delivery_apply, replies_content_erase, reply_receive


@receiver(tracking, dispatch_uid="tracking.letter_delivery")
def letter_delivery_received(
    sender: type[AnymailCoreWebhookView] | Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    letter_delivery_apply(
        event_type=event.event_type,
        message_id=event.message_id,
        event_id=event.event_id,
        timestamp=event.timestamp.isoformat() if event.timestamp else None,
        recipient=event.recipient,
        description=event.description or event.mta_response,
        metadata=event.metadata,
        transient=event.event_type == "bounced" and bounce_is_transient(esp_name=esp_name, esp_event=event.esp_event),
    )


@receiver(inbound, dispatch_uid="tracking.inbound_reply")
def inbound_reply_received(
    sender: type[AnymailCoreWebhookView] | Any, event: AnymailInboundEvent, esp_name: str, **kwargs: Any
) -> None:
    reply_receive(event_id=event.event_id, message=event.message, received_at=event.timestamp)


@receiver(post_save, sender=ContactEvent, dispatch_uid="tracking.contact_saved")
@receiver(post_save, sender=Reply, dispatch_uid="tracking.reply_saved")
@receiver(post_save, sender=SurveyAnswer, dispatch_uid="tracking.answer_saved")
def progress_changed(sender: type[Model] | Any, instance: ContactEvent | Reply | SurveyAnswer, **kwargs: Any) -> None:
    if instance.campaign_id:
        progress_cache_invalidate(campaign_id=instance.campaign_id)


@receiver(submission_erased, dispatch_uid="tracking.replies_of_erased_submission")
def replies_of_erased_submission_purge(sender: type, letter_ids: list[int], **kwargs: Any) -> None:
    """Replies forwarded to a supporter who erased their data go with it; the "has replied" count stays."""
    replies_content_erase(letter_ids=letter_ids)
