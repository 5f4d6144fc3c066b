"""Anonymous contact counts."""

import datetime

from django.conf import settings
from django.utils import timezone

from common.abuse import rate_limit_hit
from embassies.models import Office

from ..models import Campaign, ContactChannel, ContactEvent


def contact_record(
    *,
    campaign: Campaign,
    office: Office,
    channel: ContactChannel | str,
    quantity: int = 1,
    occurred_at: datetime.datetime | None = None,
) -> ContactEvent:
    """Count an anonymous contact with an office. Holds no personal data."""
    return ContactEvent.objects.create(
        campaign=campaign,
        office=office,
        channel=channel,
        quantity=quantity,
        occurred_at=occurred_at or timezone.now(),
    )


def mailto_sent_mark(*, campaign: Campaign, office: Office, client_ip: str) -> bool:
    """A supporter says they sent a letter from their own mail app. Counted anonymously, once per office and
    address a day, within the per-IP rate limit. True if it was counted."""
    over_limit = rate_limit_hit(
        scope="mailto-mark",
        key=client_ip,
        limit=settings.RATE_LIMIT_MARKS_PER_IP,
        window_seconds=settings.RATE_LIMIT_WINDOW_SECONDS,
    ) or rate_limit_hit(
        scope="mailto-mark-office", key=f"{client_ip}:{campaign.pk}:{office.pk}", limit=1, window_seconds=86400
    )
    if over_limit:
        return False
    contact_record(campaign=campaign, office=office, channel=ContactChannel.MAILTO)
    return True
