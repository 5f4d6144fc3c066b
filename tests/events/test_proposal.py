"""Proposing an event: the public form, its clear refusals, and its abuse guards."""

import datetime
import zoneinfo

from django.urls import reverse
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Event, EventStatus
from tests.events.conftest import in_prague

pytestmark = pytest.mark.django_db

PROPOSE = reverse("events:event_propose", args=["cz"])


def errors_of(response) -> str:
    return " ".join(str(error) for errors in response.context["form"].errors.values() for error in errors)


def test_the_form_works_without_javascript_and_offers_only_the_countrys_offices(client, proposal, prague, warsaw):
    page = client.get(PROPOSE)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script" not in html
    assert prague.name in html and warsaw.name not in html
    assert 'name="website"' in html and 'name="form_started"' in html


def test_a_proposal_is_stored_for_review_and_not_public(client, proposal, prague):
    response = client.post(PROPOSE, proposal)

    assert response.status_code == 302
    assert response["Location"] == reverse("events:event_proposed", args=["cz"])
    thanks = client.get(response["Location"]).content.decode()
    assert "An organiser will review your event" in thanks
    event = Event.objects.get()
    assert event.status == EventStatus.PROPOSED and event.office == prague
    assert event.organiser_contact == "secret-contact@example.net"
    assert client.get(reverse("events:event_detail", args=[event.pk])).status_code == 404


def test_times_are_read_in_the_offices_time_zone(client, proposal, prague):
    prague.time_zone = "America/New_York"
    prague.save()

    client.post(PROPOSE, proposal)

    event = Event.objects.get()
    assert event.starts_local.strftime("%H:%M") == "14:00"
    assert event.starts_local.tzinfo.key == "America/New_York"
    assert event.starts_at.astimezone(datetime.UTC).hour in (18, 19)  # EDT or EST


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": (timezone.now() - datetime.timedelta(days=2)).date().isoformat()}, "date", "This date has passed"),
        ({"start_time": "16:00", "end_time": "15:00"}, "end_time", "The event must end after it starts."),
        ({"start_time": "16:00", "end_time": "16:00"}, "end_time", "The event must end after it starts."),
        ({"date": in_prague(400).isoformat()}, "date", "at most a year ahead"),
        ({"date": "9999-12-31"}, "date", "at most a year ahead"),
        ({"date": "0001-01-01"}, "date", "This date has passed"),
        ({"date": "tomorrow"}, "date", "Enter the date as YYYY-MM-DD."),
        ({"description": "Join us <b>now</b>"}, "description", "without HTML"),
        ({"description": "<script>alert(1)</script>"}, "description", "without HTML"),
        ({"meeting_point": "See https://evil.example/page"}, "meeting_point", "leave out links"),
        ({"description": "Details at www.example.org"}, "description", "leave out links"),
        ({"description": "Chat on t.me/somegroup"}, "description", "leave out links"),
        ({"meeting_point": "Gate\nBehind the fence"}, "meeting_point", "single line"),
        ({"organiser_contact": "<a href=x>me</a>"}, "organiser_contact", "without HTML"),
        ({"campaign": "no-such-campaign"}, "campaign", "Choose a campaign from the list."),
        ({"office": "99999999999999999999999"}, "office", "Choose an office from the list."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(client, proposal, changes, field, message):
    response = client.post(PROPOSE, {**proposal, **changes})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in errors_of(response)
    assert not Event.objects.exists()


def test_an_event_earlier_today_is_refused(client, proposal, prague):
    # A zone where it is neither the first nor the last hour of the day, so "an hour ago" is still today.
    for zone_name in ("UTC", "Etc/GMT-6", "Etc/GMT+6", "Etc/GMT-12"):
        local_now = timezone.now().astimezone(zoneinfo.ZoneInfo(zone_name))
        if 1 <= local_now.hour <= 22:
            break
    prague.time_zone = zone_name
    prague.save()
    earlier = (local_now - datetime.timedelta(hours=1)).strftime("%H:%M")
    response = client.post(
        PROPOSE, {**proposal, "date": local_now.date().isoformat(), "start_time": earlier, "end_time": "23:59"}
    )

    assert response.status_code == 400
    assert "This time has passed" in errors_of(response)


def test_a_time_the_clocks_skip_is_refused(client, proposal, prague):
    # On the last Sunday of March clocks in Prague jump from 02:00 to 03:00: 02:30 does not exist.
    today = timezone.now().date()
    year = today.year if today < datetime.date(today.year, 3, 20) else today.year + 1
    last_sunday = max(
        datetime.date(year, 3, day) for day in range(25, 32) if datetime.date(year, 3, day).weekday() == 6
    )
    response = client.post(
        PROPOSE, {**proposal, "date": last_sunday.isoformat(), "start_time": "02:30", "end_time": "04:00"}
    )

    assert response.status_code == 400
    assert "the clocks change" in errors_of(response)


def test_an_office_of_another_country_is_refused(client, proposal, warsaw):
    response = client.post(PROPOSE, {**proposal, "office": str(warsaw.pk)})

    assert response.status_code == 400
    assert "That office is not in Czechia" in errors_of(response)
    assert not Event.objects.exists()


def test_an_office_the_campaign_does_not_write_to_is_refused(client, proposal, campaign):
    campaign.sending_country = "BY"
    campaign.save()

    response = client.post(PROPOSE, proposal)

    assert response.status_code == 400
    assert not Event.objects.exists()


def test_the_honeypot_and_the_fill_time_stop_robots(client, proposal):
    trapped = client.post(PROPOSE, {**proposal, "website": "http://spam.example"})
    hurried = client.post(PROPOSE, {**proposal, "form_started": ""})

    assert trapped.status_code == 400 and "Leave this field empty" in trapped.content.decode()
    assert hurried.status_code == 400
    assert not Event.objects.exists()


def test_proposals_are_rate_limited_per_address(client, proposal, settings):
    settings.RATE_LIMIT_EVENT_PROPOSALS_PER_IP = 2
    statuses = [client.post(PROPOSE, proposal).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Event.objects.count() == 2


def test_an_unknown_country_is_404(client):
    assert client.get(reverse("events:event_propose", args=["xx"])).status_code == 404


TEXT = st.text(max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    office=TEXT,
    campaign_slug=TEXT,
    date=TEXT,
    start=TEXT,
    end=TEXT,
    meeting_point=TEXT,
    description=TEXT,
    contact=TEXT,
    started=TEXT,
)
def test_random_input_never_gives_a_server_error(
    client, proposal, office, campaign_slug, date, start, end, meeting_point, description, contact, started
):
    values = {
        "office": office,
        "campaign": campaign_slug,
        "date": date,
        "start_time": start,
        "end_time": end,
        "meeting_point": meeting_point,
        "description": description,
        "organiser_contact": contact,
        "form_started": started,
    }
    response = client.post(PROPOSE, {**proposal, **values})

    assert response.status_code in (302, 400, 429)
