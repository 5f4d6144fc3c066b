"""An organiser of the office's country approves or rejects a proposal; nobody else can, nor see it."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest

from events.models import Event, EventStatus
from events.services import event_approve, event_reject
from events.tasks import event_proposed_notify_task
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")


@pytest.fixture
def proposed(campaign, prague):
    return EventFactory(campaign=campaign, office=prague, status=EventStatus.PROPOSED)


def action(client, name: str, event) -> None:
    client.post(CHANGELIST, {"action": name, ACTION_CHECKBOX_NAME: [event.pk], "apply": "1"})


def test_the_countrys_organiser_approves_and_the_event_becomes_public(client, proposed, organiser_cz):
    detail = reverse("events:event_detail", args=[proposed.pk])
    assert client.get(detail).status_code == 404
    client.force_login(organiser_cz)

    listed = client.get(CHANGELIST).context["cl"].result_list
    action(client, "approve", proposed)

    assert proposed in listed
    proposed.refresh_from_db()
    assert proposed.status == EventStatus.APPROVED and proposed.reviewed_by == organiser_cz
    client.logout()
    assert client.get(detail).status_code == 200


def test_a_rejected_event_stays_off_the_site(client, proposed, organiser_cz):
    client.force_login(organiser_cz)

    action(client, "reject", proposed)

    proposed.refresh_from_db()
    assert proposed.status == EventStatus.REJECTED
    client.logout()
    assert client.get(reverse("events:event_detail", args=[proposed.pk])).status_code == 404
    assert proposed.office.name not in client.get(reverse("events:country_events", args=["cz"])).content.decode()


def test_an_organiser_of_another_country_can_neither_see_nor_approve(client, proposed, organiser_pl):
    client.force_login(organiser_pl)

    listed = client.get(CHANGELIST).context["cl"].result_list
    change_page = client.get(reverse("admin:events_event_change", args=[proposed.pk]))
    posted_change = client.post(
        reverse("admin:events_event_change", args=[proposed.pk]), {"meeting_point": "Somewhere else"}
    )
    action(client, "approve", proposed)

    assert proposed not in listed
    assert change_page.status_code == 403 and posted_change.status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == EventStatus.PROPOSED
    assert proposed.meeting_point == "On the pavement opposite the main gate"


def test_the_services_refuse_a_reviewer_from_another_country(proposed, organiser_pl, organiser_cz):
    with pytest.raises(PermissionDenied):
        event_approve(event=proposed, user=organiser_pl)
    with pytest.raises(PermissionDenied):
        event_reject(event=proposed, user=organiser_pl)
    proposed.refresh_from_db()
    assert proposed.status == EventStatus.PROPOSED

    assert event_approve(event=proposed, user=organiser_cz).status == EventStatus.APPROVED


def test_the_change_form_shows_times_in_the_offices_zone_and_the_contact_to_organisers(
    client, proposed, organiser_cz, prague
):
    prague.time_zone = "Asia/Tokyo"
    prague.save()
    client.force_login(organiser_cz)

    page = client.get(reverse("admin:events_event_change", args=[proposed.pk])).content.decode()

    local = proposed.starts_at.astimezone(prague.zone)
    assert f'value="{local:%Y-%m-%d}"' in page and f'value="{local:%H:%M:%S}"' in page
    assert "Asia/Tokyo" in page
    assert "organiser-contact@example.net" in page


def test_an_organiser_writes_a_report_in_the_admin_and_links_are_refused(client, organiser_cz, campaign, prague):
    prague.time_zone = "Asia/Tokyo"  # not the server's zone, so a time read in the wrong zone shows
    prague.save()
    event = EventFactory(campaign=campaign, office=prague)
    client.force_login(organiser_cz)
    url = reverse("admin:events_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in {**form.initial, "campaign": campaign.pk, "office": prague.pk}.items()
        if value is not None
    }
    local = event.starts_at.astimezone(prague.zone)
    local_end = event.ends_at.astimezone(prague.zone)
    data.update(
        {
            "starts_at_0": f"{local:%Y-%m-%d}",
            "starts_at_1": f"{local:%H:%M:%S}",
            "ends_at_0": f"{local_end:%Y-%m-%d}",
            "ends_at_1": f"{local_end:%H:%M:%S}",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        }
    )

    refused = client.post(url, {**data, "report": "Photos at https://example.org/album"})
    saved = client.post(url, {**data, "report": "About forty people came."})

    assert refused.status_code == 200 and "leave out links" in refused.content.decode()
    assert saved.status_code == 302
    event.refresh_from_db()
    assert event.report == "About forty people came."
    assert event.starts_at == local.replace(microsecond=0)  # the times typed in the office's zone were read in it


def test_the_countrys_organisers_hear_of_a_proposal_once(
    client, proposal, organiser_cz, organiser_pl, prague, django_capture_on_commit_callbacks
):
    organiser_cz.email, organiser_pl.email = "olena@example.org", "piotr@example.org"
    organiser_cz.save()
    organiser_pl.save()
    prague.time_zone = "Asia/Tokyo"
    prague.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:event_propose", args=["cz"]), proposal)

    event = Event.objects.get()
    [message] = mail.outbox
    assert message.to == ["olena@example.org"]
    assert prague.name in message.subject
    assert reverse("admin:events_event_change", args=[event.pk]) in message.body
    assert "14:00" in message.body and "Asia/Tokyo" in message.body
    assert "secret-contact@example.net" not in message.body
    assert event_proposed_notify_task.delay(event.pk).get() is False  # run twice: still one email
    assert len(mail.outbox) == 1
