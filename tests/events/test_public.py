"""Public event pages: approved events only, local times with their zone, anonymous "I'll come", past reports."""

import datetime

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

import pytest

from events.models import Event, EventStatus
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(campaign, prague):
    prague.time_zone = "America/New_York"
    prague.save()
    starts = datetime.datetime.combine(
        timezone.now().date() + datetime.timedelta(days=5), datetime.time(15, 30), tzinfo=prague.zone
    )
    return EventFactory(
        campaign=campaign, office=prague, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )


@pytest.fixture
def past_event(campaign, prague):
    starts = timezone.now() - datetime.timedelta(days=10)
    return EventFactory(
        campaign=campaign,
        office=prague,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        report="About forty people came and the consul took the letters.",
        meeting_point="By the old fountain",
    )


def public_pages(event: Event) -> list[str]:
    return [
        reverse("events:event_list"),
        reverse("events:country_events", args=[event.office.host_country.code.lower()]),
        reverse("events:event_detail", args=[event.pk]),
        reverse("events:event_ics", args=[event.pk]),
        reverse("events:country_ics", args=[event.office.host_country.code.lower()]),
        reverse("events:campaign_ics", args=[event.campaign.slug]),
        reverse("tracking:progress", args=[event.campaign.slug]),
    ]


def test_times_are_shown_in_the_offices_zone_with_its_name(client, event):
    for url in (reverse("events:event_detail", args=[event.pk]), reverse("events:country_events", args=["cz"])):
        page = client.get(url).content.decode()
        assert "3:30 p.m." in page and "5:30 p.m." in page, url
        assert "America/New_York" in page, url


def test_the_organisers_contact_is_never_on_a_public_page(client, event, past_event):
    for shown in (event, past_event):
        for url in public_pages(shown):
            response = client.get(url)
            assert response.status_code == 200, url
            assert b"organiser-contact@example.net" not in response.content, url


def test_lists_show_approved_events_only(client, event, campaign, prague):
    hidden = EventFactory(campaign=campaign, office=prague, status=EventStatus.PROPOSED, meeting_point="Hidden spot")
    rejected = EventFactory(campaign=campaign, office=prague, status=EventStatus.REJECTED, meeting_point="Gone spot")

    for url in (reverse("events:event_list"), reverse("events:country_events", args=["cz"])):
        page = client.get(url).content.decode()
        assert event.meeting_point in page
        assert "Hidden spot" not in page and "Gone spot" not in page
    for unseen in (hidden, rejected):
        assert client.get(reverse("events:event_detail", args=[unseen.pk])).status_code == 404
        assert client.get(reverse("events:event_ics", args=[unseen.pk])).status_code == 404


def test_past_events_are_listed_apart_with_their_report(client, event, past_event):
    page = client.get(reverse("events:country_events", args=["cz"])).content.decode()

    assert "Past events" in page
    assert page.index(event.meeting_point) < page.index("Past events") < page.index(past_event.meeting_point)
    assert "About forty people came" in page
    detail = client.get(reverse("events:event_detail", args=[past_event.pk])).content.decode()
    assert "About forty people came" in detail and "I&#x27;ll come" not in detail and "I'll come" not in detail


def test_the_progress_page_and_the_office_tag_list_upcoming_events(client, event, warsaw):
    progress = client.get(reverse("tracking:progress", args=[event.campaign.slug])).content.decode()
    office_card = Template("{% load events %}{% office_events office %}")

    assert "Coming events at the offices" in progress
    assert reverse("events:event_detail", args=[event.pk]) in progress
    assert reverse("events:event_detail", args=[event.pk]) in office_card.render(Context({"office": event.office}))
    assert "event" not in office_card.render(Context({"office": warsaw})).lower()


def test_unknown_countries_campaigns_and_events_are_404(client):
    assert client.get(reverse("events:country_events", args=["xx"])).status_code == 404
    assert client.get(reverse("events:country_ics", args=["xx"])).status_code == 404
    assert client.get(reverse("events:campaign_ics", args=["no-such-campaign"])).status_code == 404
    assert client.get(reverse("events:event_detail", args=[987654321])).status_code == 404
    assert client.get("/en/events/e/999999999999999999/").status_code == 404


RSVP_WEBSITE_EMPTY = {"website": ""}


def test_ill_come_is_counted_once_per_address_per_day(client, event):
    rsvp = reverse("events:event_rsvp", args=[event.pk])

    first = client.post(rsvp, RSVP_WEBSITE_EMPTY)
    again = client.post(rsvp, RSVP_WEBSITE_EMPTY)
    elsewhere = client.post(rsvp, RSVP_WEBSITE_EMPTY, REMOTE_ADDR="198.51.100.7")

    assert first.status_code == 302 and elsewhere.status_code == 302
    assert again.status_code == 429 and "You already said you will come" in again.content.decode()
    event.refresh_from_db()
    assert event.rsvp_count == 2


def test_ill_come_keeps_nothing_about_the_person(client, event):
    client.post(reverse("events:event_rsvp", args=[event.pk]), RSVP_WEBSITE_EMPTY, REMOTE_ADDR="203.0.113.9")

    event.refresh_from_db()
    stored = [str(value) for value in Event.objects.filter(pk=event.pk).values().get().values()]
    assert event.rsvp_count == 1
    assert not any("203.0.113.9" in value for value in stored)


def test_the_honeypot_stops_a_robots_ill_come(client, event):
    response = client.post(reverse("events:event_rsvp", args=[event.pk]), {"website": "http://spam.example"})

    assert response.status_code == 400
    event.refresh_from_db()
    assert event.rsvp_count == 0


def test_one_address_cannot_flood_every_event(client, campaign, prague, settings):
    settings.RATE_LIMIT_EVENT_RSVPS_PER_IP = 2
    events = EventFactory.create_batch(3, campaign=campaign, office=prague)

    statuses = [
        client.post(reverse("events:event_rsvp", args=[each.pk]), RSVP_WEBSITE_EMPTY).status_code for each in events
    ]

    assert statuses == [302, 302, 429]
    refused = client.post(reverse("events:event_rsvp", args=[events[0].pk]), RSVP_WEBSITE_EMPTY)
    assert "Many replies came from your network" in refused.content.decode()


def test_a_past_or_hidden_event_takes_no_ill_come(client, past_event, campaign, prague):
    hidden = EventFactory(campaign=campaign, office=prague, status=EventStatus.PROPOSED)

    assert client.post(reverse("events:event_rsvp", args=[past_event.pk]), RSVP_WEBSITE_EMPTY).status_code == 400
    assert client.post(reverse("events:event_rsvp", args=[hidden.pk]), RSVP_WEBSITE_EMPTY).status_code == 404
    assert client.get(reverse("events:event_rsvp", args=[past_event.pk])).status_code == 405
    past_event.refresh_from_db()
    assert past_event.rsvp_count == 0


def test_the_pages_work_without_javascript_and_load_nothing_from_elsewhere(client, event):
    for url in (
        reverse("events:event_list"),
        reverse("events:country_events", args=["cz"]),
        reverse("events:event_detail", args=[event.pk]),
        reverse("events:event_propose", args=["cz"]),
    ):
        response = client.get(url)
        html = response.content.decode()
        assert "<script" not in html, url
        assert 'src="http' not in html and 'src="//' not in html, url
        assert response["Referrer-Policy"] == "no-referrer", url
