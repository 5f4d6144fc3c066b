"""Signal receivers: anymail tracking webhooks, and the Organisers' permissions after migrate."""

from anymail.signals import tracking

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from embassies.services import organiser_group_grant

from .services import letter_tracking_apply

ORGANISER_CODENAMES = [
    "add_campaign",
    "change_campaign",
    "view_campaign",
    "add_lettertemplate",
    "change_lettertemplate",
    "delete_lettertemplate",
    "view_lettertemplate",
    "view_letter",
    "view_contactevent",
]


@receiver(tracking, dispatch_uid="campaign.letter_tracking")
def letter_tracking_received(sender, event, esp_name, **kwargs):
    letter_tracking_apply(
        event_type=event.event_type,
        message_id=event.message_id,
        event_id=event.event_id,
        timestamp=event.timestamp.isoformat() if event.timestamp else None,
        recipient=event.recipient,
        description=event.description or event.mta_response,
        metadata=event.metadata,
    )


def organiser_permissions_grant(sender, **kwargs):
    if sender.label == "campaign":
        organiser_group_grant(app_label="campaign", codenames=ORGANISER_CODENAMES)


post_migrate.connect(organiser_permissions_grant, dispatch_uid="campaign.organiser_permissions")
