"""Reads for the progress page and the office page. Keyword-only, typed, named <noun>_<verb>.

Every figure is aggregated in the database (grouped by office and channel), so the number of
queries stays the same however many letters or offices there are.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language

from campaign.models import CONTACT_CHANNELS, Campaign, ContactChannel, ContactEvent, Letter
from embassies.hours import OfficeHoursStatus, OpeningSpan, office_hours_status
from embassies.models import Office, OfficeKind
from embassies.selectors import records_in_country_scope
from embassies.time_zones import time_zone_for_country

from .models import COUNTED_REPLY_STATES, CallScript, Reply, ReplyAttachment, SurveyAnswer

# Shown in this order everywhere.
CHANNELS: list[str] = [choice.value for choice in ContactChannel]


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(CHANNELS, 0)


@dataclass
class OfficeProgress:
    office_id: int
    name: str
    kind: str
    city: str
    host_country: str
    counts: dict[str, int] = field(default_factory=_zero_counts)
    last_contacted_at: datetime.datetime | None = None
    has_replied: bool = False
    survey_yes: int = 0
    survey_total: int = 0
    # Kept with the cached figures, so pages list offices' hours without a query; open or not is worked out per view.
    time_zone: str = ""
    hours: tuple[OpeningSpan, ...] = ()

    @property
    def hours_now(self) -> OfficeHoursStatus:
        return office_hours_status(
            hours=self.hours,
            time_zone=self.time_zone or time_zone_for_country(country_code=self.host_country),
            moment=timezone.now(),
        )

    # Cached: the figures are complete before a page reads them, and a large progress page asks thousands of times.
    @functools.cached_property
    def contacts(self) -> int:
        return sum(self.counts[channel] for channel in CONTACT_CHANNELS)

    @property
    def kind_label(self) -> str:
        return str(OfficeKind(self.kind).label) if self.kind in OfficeKind.values else self.kind

    @property
    def contacted(self) -> bool:
        return self.contacts > 0


@dataclass
class CountryProgress:
    code: str
    offices: list[OfficeProgress]
    counts: dict[str, int]

    @functools.cached_property
    def offices_reached(self) -> int:
        return sum(1 for office in self.offices if office.contacted)

    @property
    def offices_uncontacted(self) -> int:
        return len(self.offices) - self.offices_reached

    @functools.cached_property
    def uncontacted(self) -> list[OfficeProgress]:
        return [office for office in self.offices if not office.contacted]


@dataclass
class Progress:
    totals: dict[str, int]
    countries: list[CountryProgress]
    offices_listed: int
    offices_reached: int
    offices_replied: int
    most_contacts: int  # the busiest office's contacts: the full length of every office's progress bar
    computed_at: datetime.datetime | None = None  # the cached copy's age decides when it is rebuilt

    @property
    def offices_uncontacted(self) -> int:
        return self.offices_listed - self.offices_reached

    @property
    def uncontacted(self) -> list[OfficeProgress]:
        return [office for country in self.countries for office in country.uncontacted]

    def country(self, code: str) -> CountryProgress | None:
        return next((country for country in self.countries if country.code == code), None)

    def office(self, office_id: int) -> OfficeProgress | None:
        return next(
            (office for country in self.countries for office in country.offices if office.office_id == office_id),
            None,
        )

    def uncontacted_spread(self, *, limit: int) -> list[OfficeProgress]:
        """Up to limit uncontacted offices, one country after another in turn, so a short list spans many countries."""
        rounds = itertools.zip_longest(*(country.uncontacted for country in self.countries))
        offices = (office for office in itertools.chain.from_iterable(rounds) if office is not None)
        return list(itertools.islice(offices, limit))


@dataclass(frozen=True)
class ProgressFilter:
    """Narrows the figures; the public page uses none of it, the dashboard all of it."""

    # None: every host country (the public page, superusers); else only these (one chosen, or an organiser's).
    host_countries: tuple[str, ...] | None = None
    occurred_from: datetime.date | None = None
    occurred_to: datetime.date | None = None


def _window(*, prefix: str, since: datetime.date | None, until: datetime.date | None) -> Q:
    condition = Q()
    if since:
        condition &= Q(**{f"{prefix}__date__gte": since})
    if until:
        condition &= Q(**{f"{prefix}__date__lte": until})
    return condition


def progress_compute(*, campaign: Campaign, only: ProgressFilter | None = None) -> Progress:
    """All figures of one campaign in four queries: offices with their hours, contacts, replies, survey answers."""
    only = only or ProgressFilter()
    started_at = timezone.now()  # what the figures are as of: a contact during the queries may or may not count
    offices_qs = Office.objects.active().filter(sending_country=campaign.sending_country)
    if only.host_countries is not None:
        offices_qs = offices_qs.filter(host_country__in=only.host_countries)
    offices: dict[int, OfficeProgress] = {}
    # Joined with the opening hours: a row per span (or one for an office without), still one query.
    office_rows = offices_qs.values(
        "id", "name", "kind", "city", "host_country", "time_zone", "hours__weekday", "hours__opens", "hours__closes"
    )
    for row in office_rows:
        office = offices.get(row["id"])
        if office is None:
            office = offices[row["id"]] = OfficeProgress(
                office_id=row["id"],
                name=row["name"],
                kind=row["kind"],
                city=row["city"],
                host_country=row["host_country"],
                time_zone=row["time_zone"],
            )
        if row["hours__weekday"] is not None:
            span = OpeningSpan(weekday=row["hours__weekday"], opens=row["hours__opens"], closes=row["hours__closes"])
            office.hours = (*office.hours, span)

    contact_rows = (
        ContactEvent.objects.filter(campaign=campaign, office__in=offices_qs)
        .filter(_window(prefix="occurred_at", since=only.occurred_from, until=only.occurred_to))
        .values("office_id", "channel")
        .annotate(quantity=Sum("quantity"), last=Max("occurred_at"))
        .order_by()
    )
    for row in contact_rows:
        office = offices.get(row["office_id"])
        if office is None or row["channel"] not in office.counts:
            continue
        office.counts[row["channel"]] += row["quantity"]
        if office.last_contacted_at is None or row["last"] > office.last_contacted_at:
            office.last_contacted_at = row["last"]

    replied_ids = (
        Reply.objects.filter(campaign=campaign, state__in=COUNTED_REPLY_STATES, office__in=offices_qs)
        .filter(_window(prefix="received_at", since=only.occurred_from, until=only.occurred_to))
        .values_list("office_id", flat=True)
        .order_by()  # the default ordering would make DISTINCT per reception time
        .distinct()
    )
    for office_id in replied_ids:
        if office_id in offices:
            offices[office_id].has_replied = True

    answer_rows = (
        SurveyAnswer.objects.filter(campaign=campaign, office__in=offices_qs)
        .values("office_id")
        .annotate(total=Count("id"), yes=Count("id", filter=Q(got_reply=True)))
        .order_by()
    )
    for row in answer_rows:
        if row["office_id"] in offices:
            offices[row["office_id"]].survey_total = row["total"]
            offices[row["office_id"]].survey_yes = row["yes"]

    return _progress_assemble(list(offices.values()), computed_at=started_at)


def _progress_assemble(offices: list[OfficeProgress], *, computed_at: datetime.datetime) -> Progress:
    by_country: dict[str, list[OfficeProgress]] = {}
    for office in offices:
        by_country.setdefault(office.host_country, []).append(office)
    countries = []
    for code, country_offices in by_country.items():
        # Nobody has contacted them yet: they come first, as the call to action.
        country_offices.sort(key=lambda office: (office.contacted, office.contacts, office.city, office.name))
        counts = _zero_counts()
        for office in country_offices:
            for channel, quantity in office.counts.items():
                counts[channel] += quantity
        countries.append(CountryProgress(code=code, offices=country_offices, counts=counts))
    countries.sort(key=lambda country: (-len(country.uncontacted), country.code))
    totals = _zero_counts()
    for country in countries:
        for channel, quantity in country.counts.items():
            totals[channel] += quantity
    return Progress(
        totals=totals,
        countries=countries,
        offices_listed=len(offices),
        offices_reached=sum(1 for office in offices if office.contacted),
        offices_replied=sum(1 for office in offices if office.has_replied),
        most_contacts=max((office.contacts for office in offices), default=0),
        computed_at=computed_at,
    )


def campaign_get_public(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug).first()


def office_get_for_campaign(*, campaign: Campaign, office_id: int) -> Office | None:
    """An office the campaign writes to, or None."""
    return Office.objects.active().filter(pk=office_id, sending_country=campaign.sending_country).first()


def call_script_for(*, campaign: Campaign, language: str | None = None) -> CallScript | None:
    """The script in the page's language, else English, else any."""
    language = (language or get_language() or "en").split("-")[0]
    scripts = {script.language: script for script in CallScript.objects.filter(campaign=campaign)}
    return scripts.get(language) or scripts.get("en") or next(iter(sorted(scripts.items())), (None, None))[1]


# Dashboard reads (organisers only; never any personal data).

MAX_CHART_DAYS = 366


def letters_per_day(*, campaign: Campaign, only: ProgressFilter) -> list[tuple[datetime.date, int]]:
    """Contacts per day (neither a delivered email, counted when sent, nor a PDF download, which is intent), every
    day in the range, oldest first."""
    events = ContactEvent.objects.filter(campaign=campaign, channel__in=CONTACT_CHANNELS)
    if only.host_countries is not None:
        events = events.filter(office__host_country__in=only.host_countries)
    events = events.filter(_window(prefix="occurred_at", since=only.occurred_from, until=only.occurred_to))
    per_day = events.annotate(day=TruncDate("occurred_at")).values("day").annotate(total=Sum("quantity")).order_by()
    totals = {row["day"]: row["total"] for row in per_day}
    if not totals and not (only.occurred_from and only.occurred_to):
        return []
    first = only.occurred_from or min(totals)
    last = only.occurred_to or max(totals, default=first)
    first = max(first, last - datetime.timedelta(days=MAX_CHART_DAYS - 1))
    return [
        (first + datetime.timedelta(days=offset), totals.get(first + datetime.timedelta(days=offset), 0))
        for offset in range((last - first).days + 1)
    ]


def offices_bounced(*, campaign: Campaign, host_countries: tuple[str, ...] | None = None) -> list[dict]:
    """Offices of the campaign whose email bounced and waits for an organiser to fix it."""
    offices = Office.objects.filter(sending_country=campaign.sending_country, email_flagged_at__isnull=False)
    if host_countries is not None:
        offices = offices.filter(host_country__in=host_countries)
    return list(
        offices.order_by("host_country", "city", "name").values(
            "id", "name", "city", "host_country", "email_flagged_at", "email_flag_reason"
        )
    )


def reply_attachment_get(*, attachment_id: int, user: AbstractBaseUser | AnonymousUser) -> ReplyAttachment | None:
    """An attachment of a reply from an office in the user's countries, or None."""
    attachments = records_in_country_scope(
        ReplyAttachment.objects.all(), user=user, country_path="reply__office__host_country"
    )
    return attachments.filter(pk=attachment_id).first()


def letter_for_reply_assignment(
    *, user: AbstractBaseUser | AnonymousUser, letter_id: int | None, reply_token: str
) -> Letter | None:
    """The letter an organiser names by its number or its reply token, among the letters of their countries."""
    letters = records_in_country_scope(Letter.objects.all(), user=user, country_path="office__host_country")
    letter = letters.filter(pk=letter_id).first() if letter_id else None
    token = reply_token.strip().lower()
    return letter or (letters.filter(reply_token=token).first() if token else None)
