"""Events as iCalendar (RFC 5545), for calendar apps to subscribe to. Pure: no database, no request."""

import datetime
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _

import icalendar

from .models import Event

PRODUCT_ID = "-//Letters to embassies//Events//EN"


def event_summary(*, event: Event) -> str:
    return _("Protest at %(office)s") % {"office": event.office.name}


def events_calendar(*, events: Iterable[Event], name: str, site_url: str, url_for: Callable[[Event], str]) -> bytes:
    """A calendar of the events, each in its office's time zone with that zone's definition included.

    The organisers' contact is never in it: a feed is as public as the event pages.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    now = timezone.now()
    host = urlsplit(site_url).hostname or "localhost"
    dates: list[datetime.date] = []
    for event in events:
        calendar.add_component(_vevent(event=event, stamp=now, url=site_url + url_for(event), host=host))
        dates.append(event.starts_local.date())
    if dates:
        calendar.add_missing_timezones(
            first_date=min(dates) - datetime.timedelta(days=366), last_date=max(dates) + datetime.timedelta(days=366)
        )
    return calendar.to_ical()


def _vevent(*, event: Event, stamp: datetime.datetime, url: str, host: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@{host}")
    component.add("dtstamp", stamp)
    component.add("dtstart", event.starts_local)
    component.add("dtend", event.ends_local)
    component.add("summary", event_summary(event=event))
    component.add("location", f"{event.meeting_point}, {event.office.city}")
    component.add("description", event.description)
    component.add("url", url)
    component.add("status", "CONFIRMED")
    return component
