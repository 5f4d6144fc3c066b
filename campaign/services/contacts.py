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


def contacts_mark_once_a_day(
    *,
    campaign: Campaign,
    offices: list[Office],
    channel: ContactChannel,
    client_ip: str,
    browser: str,
    per_ip_limit: int | None,
) -> list[Office]:
    """Count what a supporter did on their own (a letter sent from their mail app or posted, or a PDF
    downloaded): anonymously, once per office, channel and browser a day, and at most per_ip_limit offices per
    address in the rate-limit window. Returns the offices counted now."""
    counted = []
    for office in offices:
        if per_ip_limit is not None and rate_limit_hit(
            scope=f"mark-{channel}",
            key=client_ip,
            limit=per_ip_limit,
            window_seconds=settings.RATE_LIMIT_WINDOW_SECONDS,
        ):
            break
        if rate_limit_hit(
            scope=f"mark-{channel}-office", key=f"{browser}:{campaign.pk}:{office.pk}", limit=1, window_seconds=86400
        ):
            continue
        contact_record(campaign=campaign, office=office, channel=channel)
        counted.append(office)
    return counted
