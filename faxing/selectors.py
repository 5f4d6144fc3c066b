"""Reads of the fax channel."""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from campaign.models import Letter, LetterChannel, LetterStatus

from .models import FaxGateway

FAX_ACTIVITY_DAYS = 7


def fax_gateway_for_country(*, host_country: str) -> FaxGateway | None:
    """The active gateway that faxes offices in this country, if organisers set one up."""
    return FaxGateway.objects.filter(host_country=host_country.upper(), is_active=True).first()


@dataclass(frozen=True)
class FaxActivity:
    """What a country's fax letters did recently, for the organisers who pay for the gateway."""

    by_status: dict[str, int]
    last_failure: str


def fax_activity_get(*, host_country: str, days: int = FAX_ACTIVITY_DAYS) -> FaxActivity:
    since = timezone.now() - datetime.timedelta(days=days)
    letters = Letter.objects.filter(
        channel=LetterChannel.FAX, office__host_country=host_country.upper(), created_at__gte=since
    )
    by_status = dict(letters.values_list("status").annotate(count=Count("pk")).order_by())
    last_failure = (
        letters.filter(status__in=[LetterStatus.FAILED, LetterStatus.BOUNCED])
        .order_by("-status_changed_at")
        .values_list("failure_reason", flat=True)
        .first()
    )
    return FaxActivity(by_status=by_status, last_failure=last_failure or "")
