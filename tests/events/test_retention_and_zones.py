"""The organisers' contact is erased after the event; every office has a time zone, its country's by default."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from embassies.time_zones import time_zone_for_country
from events.models import Event
from events.tasks import event_contacts_purge_task
from tests.factories import EventFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def test_contacts_are_erased_retention_days_after_the_event(campaign, prague, settings):
    settings.RETENTION_EVENT_CONTACT_DAYS = 30
    now = timezone.now()
    old = EventFactory(
        campaign=campaign,
        office=prague,
        starts_at=now - datetime.timedelta(days=32),
        ends_at=now - datetime.timedelta(days=31),
    )
    recent = EventFactory(
        campaign=campaign,
        office=prague,
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=2),
    )
    coming = EventFactory(campaign=campaign, office=prague)

    assert event_contacts_purge_task.delay().get() == 1
    assert event_contacts_purge_task.delay().get() == 0  # safe to run twice

    contacts = dict(Event.objects.values_list("pk", "organiser_contact"))
    assert contacts[old.pk] == ""
    assert contacts[recent.pk] == contacts[coming.pk] == "organiser-contact@example.net"
    assert Event.objects.filter(pk=old.pk, meeting_point=old.meeting_point).exists()  # the event itself stays


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("CZ", "Europe/Prague"),
        ("PL", "Europe/Warsaw"),
        ("US", "America/New_York"),
        ("RU", "Europe/Moscow"),
        ("AU", "Australia/Sydney"),
        ("XX", "UTC"),
    ],
)
def test_an_office_takes_its_host_countrys_zone_by_default(country, zone):
    assert time_zone_for_country(country_code=country) == zone


def test_a_new_office_gets_a_zone_and_an_organiser_can_change_it(db):
    office = OfficeFactory(host_country="DE")
    assert office.time_zone == "Europe/Berlin"

    office.time_zone = "Europe/Busingen"
    office.full_clean()
    office.save()
    office.refresh_from_db()
    assert office.zone.key == "Europe/Busingen"


def test_an_unknown_zone_is_refused(db):
    office = OfficeFactory(host_country="DE")
    office.time_zone = "Mars/Olympus_Mons"

    with pytest.raises(ValidationError) as refusal:
        office.full_clean()

    assert "time_zone" in refusal.value.message_dict
