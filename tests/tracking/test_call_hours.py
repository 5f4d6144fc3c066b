"""When to call: the office page's hours, local time and open-now line, and the hints on the progress pages."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from tests.factories import OfficeHoursFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 10:15 in Prague (CET), 18:15 in Tokyo.
MONDAY_MORNING_IN_PRAGUE = datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_moment(monkeypatch, settings):
    settings.PROGRESS_CACHE_SECONDS = 0  # the figures, which carry the hours, are read afresh for every page
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_MORNING_IN_PRAGUE)


def hours_add(office, *rows: tuple[int, str, str]) -> None:
    for weekday, opens, closes in rows:
        OfficeHoursFactory(
            office=office,
            weekday=weekday,
            opens=datetime.time.fromisoformat(opens),
            closes=datetime.time.fromisoformat(closes),
        )


def office_page(client, campaign, office, language: str = "en") -> str:
    response = client.get(f"/{language}/progress/{campaign.slug}/office/{office.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_page_shows_the_week_the_local_time_and_that_it_is_open(client, campaign, tracked_offices):
    prague = tracked_offices["prague"]
    hours_add(prague, (0, "09:00", "12:00"), (0, "14:00", "16:00"), (1, "09:00", "12:00"))

    page = office_page(client, campaign, prague)

    assert "Open now" in page
    assert "Local time 10:15 CET" in page
    assert '<th scope="row">Monday</th><td>09:00–12:00, 14:00–16:00</td>' in page
    assert '<th scope="row">Wednesday</th><td>closed</td>' in page


def test_a_closed_office_says_when_it_opens_in_its_own_zone(client, campaign):
    tokyo = VerifiedOfficeFactory(name="Embassy of Ukraine in Japan", host_country="JP", phone="+81354747570")
    assert tokyo.time_zone == "Asia/Tokyo"
    hours_add(tokyo, (0, "09:00", "17:00"), (1, "09:00", "17:00"))

    page = office_page(client, campaign, tokyo)

    assert "Local time 18:15 JST" in page
    assert "Closed now — opens Tuesday 09:00" in page
    assert "Open now" not in page


def test_weekday_names_are_in_the_readers_language(client, campaign, tracked_offices):
    hours_add(tracked_offices["prague"], (0, "09:00", "12:00"))

    page = office_page(client, campaign, tracked_offices["prague"], language="cs")

    assert "pondělí" in page.lower() and "Monday" not in page


def test_without_hours_the_page_says_so_and_gives_the_local_time(client, campaign, tracked_offices):
    page = office_page(client, campaign, tracked_offices["warsaw"])

    assert "Opening hours not known; call during office hours, local time 10:15 CET." in page


def test_the_progress_pages_show_whether_uncontacted_offices_are_open(client, campaign, tracked_offices):
    hours_add(tracked_offices["prague"], (0, "09:00", "12:00"))
    hours_add(tracked_offices["brno"], (0, "13:00", "15:00"))

    summary = client.get(reverse("tracking:progress", args=[campaign.slug])).content.decode()
    country = client.get(reverse("tracking:progress_country", args=[campaign.slug, "cz"])).content.decode()

    for page in (summary, country):
        prague_row = page.split("Embassy of Ukraine in Prague")[1].split("</li>")[0].split("</th>")[0]
        brno_row = page.split("Consulate General of Ukraine in Brno")[1].split("</li>")[0].split("</th>")[0]
        assert "Open now" in prague_row
        assert "Closed now — opens today at 13:00" in brno_row


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_hours_cost_no_query_per_office(client, campaign):
    def offices_with_hours(count: int, start: int) -> None:
        for index in range(start, start + count):
            office = VerifiedOfficeFactory(name=f"Office {index}", host_country=["CZ", "PL", "DE"][index % 3])
            hours_add(office, (0, "09:00", "12:00"), (0, "13:00", "17:00"), (2, "09:00", "12:00"))

    urls = [
        reverse("tracking:progress", args=[campaign.slug]),
        reverse("tracking:progress_country", args=[campaign.slug, "cz"]),
    ]
    offices_with_hours(3, 0)
    few = [_queries(client, url) for url in urls]
    offices_with_hours(45, 3)
    many = [_queries(client, url) for url in urls]

    assert many == few
    assert client.get(urls[1]).content.decode().count("Open now") == 16
