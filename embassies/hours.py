"""When an office answers the phone: its opening hours, read in the office's own time zone. No database here.

Hours are kept as local wall times per weekday (OfficeHours rows). Whether an office is open depends on the moment
seen from the office, not from the server or the reader: 01:30 in Prague on a Tuesday is 09:30 in Tokyo.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise

from .time_zones import FALLBACK_TIME_ZONE

DAYS_IN_WEEK = 7


class HoursSpan(Protocol):
    """An OfficeHours row, or an OpeningSpan kept in a cache."""

    weekday: int
    opens: datetime.time
    closes: datetime.time


@dataclass(frozen=True)
class OpeningSpan:
    weekday: int  # 0 is Monday, as in datetime.date.weekday()
    opens: datetime.time
    closes: datetime.time


@dataclass(frozen=True)
class DayHours:
    weekday: int
    spans: tuple[OpeningSpan, ...]

    @property
    def name(self) -> Promise:
        return WEEKDAYS[self.weekday]


@dataclass(frozen=True)
class OfficeHoursStatus:
    """What a page says about calling an office now. Times are the office's wall-clock times, without a zone, so
    that templates show them as they are instead of converting them to the server's zone."""

    week: tuple[DayHours, ...]
    local_clock: datetime.time
    local_date: datetime.date
    zone_abbreviation: str
    open_now: bool
    next_opening: datetime.datetime | None

    @property
    def known(self) -> bool:
        return any(day.spans for day in self.week)

    @property
    def next_opening_day(self) -> Promise | None:
        return WEEKDAYS[self.next_opening.weekday()] if self.next_opening else None

    @property
    def next_opening_today(self) -> bool:
        return self.next_opening is not None and self.next_opening.date() == self.local_date


def zone_get(time_zone: str | zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    """The zone of a name; UTC for a name the tz database does not know, so a page never fails on bad data."""
    if isinstance(time_zone, zoneinfo.ZoneInfo):
        return time_zone
    try:
        return zoneinfo.ZoneInfo(time_zone or FALLBACK_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(FALLBACK_TIME_ZONE)


def hours_for_weekday(*, hours: Iterable[HoursSpan], weekday: int) -> tuple[OpeningSpan, ...]:
    spans = (OpeningSpan(weekday=span.weekday, opens=span.opens, closes=span.closes) for span in hours)
    return tuple(sorted((span for span in spans if span.weekday == weekday), key=lambda span: span.opens))


def hours_overlapping_weekdays(*, hours: Iterable[HoursSpan]) -> list[int]:
    """The weekdays on which two spans overlap (one starting before the other ends)."""
    hours = list(hours)
    overlapping = []
    for weekday in range(DAYS_IN_WEEK):
        spans = hours_for_weekday(hours=hours, weekday=weekday)
        if any(later.opens < earlier.closes for earlier, later in zip(spans, spans[1:], strict=False)):
            overlapping.append(weekday)
    return overlapping


def office_local_time(*, time_zone: str | zoneinfo.ZoneInfo, moment: datetime.datetime) -> datetime.datetime:
    """The moment as the office's clock shows it (aware, in the office's zone)."""
    return moment.astimezone(zone_get(time_zone))


def office_open_at(
    *, hours: Iterable[HoursSpan], time_zone: str | zoneinfo.ZoneInfo, moment: datetime.datetime
) -> bool:
    local = office_local_time(time_zone=time_zone, moment=moment)
    clock = local.time().replace(tzinfo=None)
    return any(span.opens <= clock < span.closes for span in hours_for_weekday(hours=hours, weekday=local.weekday()))


def office_next_opening(
    *, hours: Iterable[HoursSpan], time_zone: str | zoneinfo.ZoneInfo, moment: datetime.datetime
) -> datetime.datetime | None:
    """The next time the office opens after the moment, in its zone; None when no hours are known."""
    hours = list(hours)
    local = office_local_time(time_zone=time_zone, moment=moment)
    # Eight days: today's later spans, the six days after, and today's earlier spans a week on.
    for offset in range(DAYS_IN_WEEK + 1):
        day = local.date() + datetime.timedelta(days=offset)
        for span in hours_for_weekday(hours=hours, weekday=day.weekday()):
            opening = datetime.datetime.combine(day, span.opens, tzinfo=local.tzinfo)
            if opening > local:
                return opening
    return None


def office_hours_status(
    *, hours: Iterable[HoursSpan], time_zone: str | zoneinfo.ZoneInfo, moment: datetime.datetime
) -> OfficeHoursStatus:
    hours = list(hours)
    local = office_local_time(time_zone=time_zone, moment=moment)
    next_opening = office_next_opening(hours=hours, time_zone=time_zone, moment=moment)
    return OfficeHoursStatus(
        week=tuple(
            DayHours(weekday=weekday, spans=hours_for_weekday(hours=hours, weekday=weekday))
            for weekday in range(DAYS_IN_WEEK)
        ),
        local_clock=local.time().replace(tzinfo=None, second=0, microsecond=0),
        zone_abbreviation=local.tzname() or "",
        open_now=office_open_at(hours=hours, time_zone=time_zone, moment=moment),
        next_opening=next_opening.replace(tzinfo=None) if next_opening else None,
        local_date=local.date(),
    )
