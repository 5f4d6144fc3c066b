"""Reads of the corrections app. Keyword-only, typed, named <noun>_<verb>."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from common.permissions import ORGANISERS_GROUP
from embassies.models import Office
from embassies.selectors import records_in_country_scope

from .models import OfficeReport, ReportStatus

# How many of each list a digest names; the counts cover the rest.
DIGEST_LIST_MAX = 10


def office_get_reportable(*, office_id: int) -> Office | None:
    """An office visitors may report a problem with: any active office of the directory."""
    return Office.objects.active().filter(pk=office_id).first()


def iso_week(*, day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Digest:
    open_report_count: int = 0
    open_reports: list[OfficeReport] = field(default_factory=list)
    flagged_count: int = 0
    flagged_offices: list[Office] = field(default_factory=list)
    unverified_count: int = 0
    unverified_offices: list[Office] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.open_report_count or self.flagged_count or self.unverified_count)


def digest_recipients() -> QuerySet:
    """Active organisers with an email address and some countries to look after."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=ORGANISERS_GROUP, organiser_scope__isnull=False)
        .exclude(email="")
    )
    return users.select_related("organiser_scope").distinct().order_by("pk")


def digest_compute(*, user: AbstractBaseUser) -> Digest:
    """What waits for this organiser in their countries: open reports (oldest first), offices whose email is
    flagged, and active offices nobody has verified yet."""
    reports = records_in_country_scope(
        OfficeReport.objects.filter(status=ReportStatus.OPEN), user=user, country_path="office__host_country"
    ).select_related("office")
    offices = records_in_country_scope(Office.objects.active(), user=user, country_path="host_country")
    flagged = offices.filter(email_flagged_at__isnull=False).order_by("email_flagged_at", "pk")
    unverified = offices.filter(verified_on__isnull=True).order_by("host_country", "city", "name", "pk")
    return Digest(
        open_report_count=reports.count(),
        open_reports=list(reports.order_by("created_at", "pk")[:DIGEST_LIST_MAX]),
        flagged_count=flagged.count(),
        flagged_offices=list(flagged[:DIGEST_LIST_MAX]),
        unverified_count=unverified.count(),
        unverified_offices=list(unverified[:DIGEST_LIST_MAX]),
    )
