import datetime

from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

import pytest

from common.permissions import ORGANISERS_GROUP
from embassies.services import organiser_scope_set
from tests.factories import VerifiedOfficeFactory, started_long_ago


@pytest.fixture
def prague(db):
    return VerifiedOfficeFactory(name="Embassy of Ukraine in Czechia", city="Praha", host_country="CZ")


@pytest.fixture
def warsaw(db):
    return VerifiedOfficeFactory(
        name="Embassy of Ukraine in Poland", city="Warszawa", host_country="PL", phone="+48226252700"
    )


def organiser_for(django_user_model, *, username: str, countries: list[str]):
    user = django_user_model.objects.create_user(username, password="a long enough passphrase", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=countries)
    return user


@pytest.fixture
def organiser_cz(django_user_model):
    return organiser_for(django_user_model, username="organiser-cz", countries=["CZ"])


@pytest.fixture
def organiser_pl(django_user_model):
    return organiser_for(django_user_model, username="organiser-pl", countries=["PL"])


def in_prague(days: int = 3) -> datetime.date:
    """A date some days ahead, as the office in Prague counts days."""
    return (timezone.now() + datetime.timedelta(days=days)).astimezone(datetime.UTC).date()


@pytest.fixture
def proposal(campaign, prague):
    """Everything a valid proposal posts, filled in at a person's pace."""
    return {
        "campaign": campaign.slug,
        "office": str(prague.pk),
        "date": in_prague().isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "meeting_point": "Opposite the main gate",
        "description": "We read the letter aloud and hand it over.",
        "organiser_contact": "secret-contact@example.net",
        "website": "",
        "form_started": started_long_ago(),
    }
