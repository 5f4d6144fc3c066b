"""Reads for events. Keyword-only, typed, named <noun>_<verb>. The public sees approved events only."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from django_countries.fields import Country

from campaign.models import Campaign
from campaign.selectors import campaign_list_open
from embassies.models import Office
from embassies.selectors import name_sort_key, office_list_for_country

from .models import Event, EventPhoto

# Calendar feeds keep an event this long after it ended, so a subscriber's calendar does not lose it at once.
FEED_RECENT_DAYS = 30
UPCOMING_LISTED = 50
PAST_LISTED = 20


@dataclass(frozen=True)
class CountryEvents:
    country: Country
    events: list[Event]


def _public_events() -> QuerySet[Event]:
    return Event.objects.public().select_related("office", "campaign")


def event_list_upcoming(
    *,
    host_country: str | None = None,
    campaign: Campaign | None = None,
    office: Office | None = None,
    limit: int = UPCOMING_LISTED,
    now: datetime.datetime | None = None,
) -> list[Event]:
    """Approved events that have not ended, soonest first."""
    events = _public_events().upcoming(now=now)
    if host_country:
        events = events.filter(office__host_country=host_country.upper())
    if campaign is not None:
        events = events.filter(campaign=campaign)
    if office is not None:
        events = events.filter(office=office)
    return list(events.order_by("starts_at", "pk")[:limit])


def event_list_upcoming_cached(*, campaign: Campaign, host_country: str | None, limit: int) -> list[Event]:
    """The campaign's next events for its progress pages, as fresh as the figures beside them
    (PROGRESS_CACHE_SECONDS): a page served from the cache stays free of queries."""
    key = f"events:upcoming:{campaign.pk}:{(host_country or '').upper()}:{limit}"
    events = cache.get(key)
    if events is None:
        events = event_list_upcoming(campaign=campaign, host_country=host_country, limit=limit)
        cache.set(key, events, timeout=settings.PROGRESS_CACHE_SECONDS)
    return events


def event_list_past(*, host_country: str, limit: int = PAST_LISTED) -> list[Event]:
    """Approved events that have ended, latest first, with their photos."""
    events = (
        _public_events()
        .past()
        .filter(office__host_country=host_country.upper())
        .prefetch_related(Prefetch("photos", queryset=EventPhoto.objects.order_by("created_at", "pk")))
    )
    return list(events.order_by("-starts_at", "-pk")[:limit])


def event_list_upcoming_by_country(*, limit: int = UPCOMING_LISTED) -> list[CountryEvents]:
    """Upcoming approved events grouped by host country, countries in the reader's alphabetical order."""
    grouped: dict[str, list[Event]] = {}
    for event in event_list_upcoming(limit=limit):
        grouped.setdefault(str(event.office.host_country), []).append(event)
    countries = [CountryEvents(country=Country(code), events=events) for code, events in grouped.items()]
    return sorted(countries, key=lambda entry: name_sort_key(str(entry.country.name)))


def event_get_public(*, event_id: int) -> Event | None:
    return (
        _public_events()
        .prefetch_related(Prefetch("photos", queryset=EventPhoto.objects.order_by("created_at", "pk")))
        .filter(pk=event_id)
        .first()
    )


def event_photo_get_public(*, photo_id: int) -> EventPhoto | None:
    return EventPhoto.objects.filter(pk=photo_id, event__in=Event.objects.public()).first()


def event_list_for_feed(
    *, host_country: str | None = None, campaign: Campaign | None = None, now: datetime.datetime | None = None
) -> list[Event]:
    """What a calendar feed holds: approved events still to come, and those that ended in the last days."""
    since = (now or timezone.now()) - datetime.timedelta(days=FEED_RECENT_DAYS)
    events = _public_events().filter(ends_at__gte=since)
    if host_country:
        events = events.filter(office__host_country=host_country.upper())
    if campaign is not None:
        events = events.filter(campaign=campaign)
    return list(events.order_by("starts_at", "pk")[:500])


def event_campaign_get(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug).first()


def event_proposal_choices(*, host_country: str) -> tuple[list[Campaign], list[Office]]:
    """The open campaigns and the active offices in the country an event can be proposed for."""
    campaigns = campaign_list_open()
    sending = {campaign.sending_country for campaign in campaigns}
    offices = [
        office for office in office_list_for_country(host_country=host_country) if office.sending_country in sending
    ]
    return campaigns, offices
