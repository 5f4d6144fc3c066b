"""Calendar feeds, read back with the icalendar library as a calendar app would."""

import datetime

from django.urls import reverse
from django.utils import timezone

import icalendar
import pytest

from events.models import EventStatus
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(campaign, prague):
    prague.time_zone = "Europe/Prague"
    prague.save()
    starts = datetime.datetime.combine(
        timezone.now().date() + datetime.timedelta(days=7), datetime.time(17, 0), tzinfo=prague.zone
    )
    return EventFactory(
        campaign=campaign, office=prague, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )


def parsed(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_an_events_ics_holds_its_summary_place_and_local_start(client, event):
    calendar = parsed(client.get(reverse("events:event_ics", args=[event.pk])))

    [vevent] = calendar.events
    assert str(vevent["summary"]) == "Protest at Embassy of Ukraine in Czechia"
    assert vevent.decoded("dtstart") == event.starts_at
    assert vevent.decoded("dtstart").tzinfo.key == "Europe/Prague"
    assert vevent.decoded("dtstart").hour == 17
    assert vevent.decoded("dtend") == event.ends_at
    assert "Opposite" in str(vevent["location"]) or event.meeting_point in str(vevent["location"])
    assert str(vevent["url"]).endswith(reverse("events:event_detail", args=[event.pk]))
    assert [zone["tzid"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Prague"]
    assert b"organiser-contact@example.net" not in calendar.to_ical()


def test_the_country_feed_holds_its_approved_upcoming_and_recent_events(client, event, campaign, prague, warsaw):
    recent = EventFactory(
        campaign=campaign,
        office=prague,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(hours=1),
    )
    long_ago = EventFactory(
        campaign=campaign,
        office=prague,
        starts_at=timezone.now() - datetime.timedelta(days=90),
        ends_at=timezone.now() - datetime.timedelta(days=90) + datetime.timedelta(hours=1),
    )
    proposed = EventFactory(campaign=campaign, office=prague, status=EventStatus.PROPOSED)
    in_poland = EventFactory(campaign=campaign, office=warsaw)

    calendar = parsed(client.get(reverse("events:country_ics", args=["cz"])))

    uids = {str(vevent["uid"]) for vevent in calendar.events}
    assert uids == {f"event-{event.pk}@127.0.0.1", f"event-{recent.pk}@127.0.0.1"}
    assert all(
        other.pk not in {int(uid.split("-")[1].split("@")[0]) for uid in uids}
        for other in (long_ago, proposed, in_poland)
    )


def test_the_campaign_feed_holds_only_that_campaigns_events(client, event, prague):
    other = EventFactory(office=prague)

    calendar = parsed(client.get(reverse("events:campaign_ics", args=[event.campaign.slug])))

    assert [vevent.decoded("dtstart") for vevent in calendar.events] == [event.starts_at]
    assert other.campaign.slug != event.campaign.slug


def test_an_empty_feed_is_still_a_calendar(client, campaign):
    calendar = parsed(client.get(reverse("events:campaign_ics", args=[campaign.slug])))

    assert calendar.events == []
    assert str(calendar["version"]) == "2.0"
