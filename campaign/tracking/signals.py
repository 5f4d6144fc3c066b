"""Receivers: inbound mail from anymail, and cache invalidation when figures change."""

from anymail.signals import inbound

from django.db.models.signals import post_save
from django.dispatch import receiver

from campaign.models import ContactEvent

from .models import Reply, SurveyAnswer
from .selectors import progress_cache_invalidate
from .services import reply_receive


@receiver(inbound, dispatch_uid="tracking.inbound_reply")
def inbound_reply_received(sender, event, esp_name, **kwargs):
    reply_receive(event_id=event.event_id, message=event.message, received_at=event.timestamp)


@receiver(post_save, sender=ContactEvent, dispatch_uid="tracking.contact_saved")
@receiver(post_save, sender=Reply, dispatch_uid="tracking.reply_saved")
@receiver(post_save, sender=SurveyAnswer, dispatch_uid="tracking.answer_saved")
def progress_changed(sender, instance, **kwargs):
    if instance.campaign_id:
        progress_cache_invalidate(campaign_id=instance.campaign_id)
