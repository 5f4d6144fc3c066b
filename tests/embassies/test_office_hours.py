"""Opening hours: the rules of a row, overlaps refused in the admin, open or closed as seen from the office."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

import pytest

from embassies.hours import (
    OpeningSpan,
    hours_overlapping_weekdays,
    office_hours_status,
    office_local_time,
    office_next_opening,
    office_open_at,
)
from embassies.models import OfficeHours
from tests.embassies.test_admin import office_form_data
from tests.factories import OfficeFactory, OfficeHoursFactory

UTC = datetime.UTC
MONDAY, TUESDAY = 0, 1
# Monday 2 March 2026, 23:30 UTC: already Tuesday 00:30 in Prague (CET) and Tuesday 08:30 in Tokyo.
LATE_MONDAY_UTC = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=UTC)


def span(weekday: int, opens: str, closes: str) -> OpeningSpan:
    return OpeningSpan(
        weekday=weekday, opens=datetime.time.fromisoformat(opens), closes=datetime.time.fromisoformat(closes)
    )


def test_open_now_depends_on_the_office_zone_not_the_servers():
    tuesday_morning = [span(TUESDAY, "08:00", "12:00")]

    assert office_open_at(hours=tuesday_morning, time_zone="Asia/Tokyo", moment=LATE_MONDAY_UTC)
    assert not office_open_at(hours=tuesday_morning, time_zone="Europe/Prague", moment=LATE_MONDAY_UTC)
    local = office_local_time(time_zone="Asia/Tokyo", moment=LATE_MONDAY_UTC)
    assert (local.weekday(), local.hour, local.minute, local.tzname()) == (TUESDAY, 8, 30, "JST")


def test_around_midnight_the_weekday_changes_with_the_office_clock():
    monday_evening = [span(MONDAY, "22:00", "23:59")]
    prague_monday_2358 = datetime.datetime(2026, 3, 2, 22, 58, tzinfo=UTC)
    prague_tuesday_0000 = datetime.datetime(2026, 3, 2, 23, 0, tzinfo=UTC)

    assert office_open_at(hours=monday_evening, time_zone="Europe/Prague", moment=prague_monday_2358)
    assert not office_open_at(hours=monday_evening, time_zone="Europe/Prague", moment=prague_tuesday_0000)
    # Just past midnight, the next opening is a week away, on the following Monday evening.
    following = office_next_opening(hours=monday_evening, time_zone="Europe/Prague", moment=prague_tuesday_0000)
    assert following == datetime.datetime(2026, 3, 9, 22, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Prague"))


def test_closing_time_is_not_open_and_the_next_opening_is_later_that_day():
    split_day = [span(MONDAY, "09:00", "12:00"), span(MONDAY, "14:00", "16:00")]
    noon_in_prague = datetime.datetime(2026, 3, 2, 11, 0, tzinfo=UTC)

    status = office_hours_status(hours=split_day, time_zone="Europe/Prague", moment=noon_in_prague)

    assert not status.open_now
    assert status.next_opening == datetime.datetime(2026, 3, 2, 14, 0)
    assert status.next_opening_today
    assert status.local_clock == datetime.time(12, 0) and status.zone_abbreviation == "CET"
    assert [len(day.spans) for day in status.week] == [2, 0, 0, 0, 0, 0, 0]


def test_without_hours_nothing_is_known_and_an_unknown_zone_reads_as_utc():
    status = office_hours_status(hours=[], time_zone="Mars/Olympus_Mons", moment=LATE_MONDAY_UTC)

    assert not status.known and not status.open_now and status.next_opening is None
    assert status.zone_abbreviation == "UTC" and status.local_clock == datetime.time(23, 30)


def test_overlapping_spans_are_found_and_touching_ones_are_not():
    assert hours_overlapping_weekdays(hours=[span(MONDAY, "09:00", "12:00"), span(MONDAY, "11:00", "13:00")]) == [
        MONDAY
    ]
    assert hours_overlapping_weekdays(hours=[span(MONDAY, "09:00", "12:00"), span(MONDAY, "12:00", "14:00")]) == []
    assert hours_overlapping_weekdays(hours=[span(MONDAY, "09:00", "12:00"), span(TUESDAY, "10:00", "11:00")]) == []


@pytest.mark.django_db
def test_a_row_must_close_after_it_opens():
    row = OfficeHours(office=OfficeFactory(), weekday=MONDAY, opens=datetime.time(12), closes=datetime.time(9))

    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert refused.value.message_dict["closes"] == ["The closing time must be after the opening time."]
    with pytest.raises(IntegrityError):
        row.save()


def hours_post(office, rows: list[tuple[int, str, str]]) -> dict:
    data = office_form_data(name=office.name, city=office.city, kind=office.kind, phone="", email=office.email)
    data.update({"hours-TOTAL_FORMS": str(len(rows)), "hours-INITIAL_FORMS": "0"})
    for index, (weekday, opens, closes) in enumerate(rows):
        data.update(
            {f"hours-{index}-weekday": str(weekday), f"hours-{index}-opens": opens, f"hours-{index}-closes": closes}
        )
    return data


@pytest.mark.django_db
def test_the_admin_refuses_overlapping_rows_with_the_reason(admin_client):
    office = OfficeFactory(host_country="CZ", name="Consulate of Ukraine in Brno", city="Brno")
    url = reverse("admin:embassies_office_change", args=[office.pk])

    response = admin_client.post(url, hours_post(office, [(MONDAY, "09:00", "12:00"), (MONDAY, "11:30", "13:00")]))

    assert response.status_code == 200
    assert "The opening hours of Monday overlap." in response.content.decode()
    assert not OfficeHours.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_row_that_closes_before_it_opens(admin_client):
    office = OfficeFactory(host_country="CZ", name="Consulate of Ukraine in Brno", city="Brno")
    url = reverse("admin:embassies_office_change", args=[office.pk])

    response = admin_client.post(url, hours_post(office, [(TUESDAY, "16:00", "09:00")]))

    assert "The closing time must be after the opening time." in response.content.decode()
    assert not OfficeHours.objects.exists()


@pytest.mark.django_db
def test_an_organiser_sets_the_hours_of_an_office_in_their_country(organiser_client):
    office = OfficeFactory(host_country="CZ", name="Consulate of Ukraine in Brno", city="Brno")
    url = reverse("admin:embassies_office_change", args=[office.pk])

    response = organiser_client.post(url, hours_post(office, [(MONDAY, "09:00", "12:00"), (MONDAY, "14:00", "16:00")]))

    assert response.status_code == 302
    assert [(row.weekday, row.opens, row.closes) for row in office.hours.all()] == [
        (MONDAY, datetime.time(9), datetime.time(12)),
        (MONDAY, datetime.time(14), datetime.time(16)),
    ]


@pytest.mark.django_db
def test_a_post_without_the_hours_section_leaves_the_hours_alone(admin_client):
    office = OfficeFactory(host_country="CZ", name="Consulate of Ukraine in Brno", city="Brno")
    OfficeHoursFactory(office=office)
    data = {key: value for key, value in hours_post(office, []).items() if not key.startswith("hours-")}

    response = admin_client.post(reverse("admin:embassies_office_change", args=[office.pk]), data)

    assert response.status_code == 302
    assert office.hours.count() == 1


@pytest.mark.django_db
def test_the_directory_card_says_whether_the_office_is_open(client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_MONDAY_UTC)  # Tuesday 00:30 in Prague
    open_office = OfficeFactory(host_country="CZ", name="Open all night", city="Praha")
    OfficeHoursFactory(office=open_office, weekday=TUESDAY, opens=datetime.time(0), closes=datetime.time(6))
    closed_office = OfficeFactory(host_country="CZ", name="Office hours only", city="Brno")
    OfficeHoursFactory(office=closed_office, weekday=TUESDAY, opens=datetime.time(9), closes=datetime.time(12))
    OfficeFactory(host_country="CZ", name="Hours unknown", city="Ostrava")

    page = client.get(reverse("embassies:country_detail", args=["cz"])).content.decode()

    cards = {name: page.split(name)[1].split("</article>")[0] for name in ("Open all night", "Office hours only")}
    assert "Open now" in cards["Open all night"]
    assert "Closed now — opens today at 09:00" in cards["Office hours only"]
    assert "Local time 00:30 CET" in page
    assert "Opening hours not known." in page.split("Hours unknown")[1]
