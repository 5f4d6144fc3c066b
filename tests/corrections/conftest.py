from django.contrib.auth.models import Group as AuthGroup

import pytest

from common.permissions import ORGANISERS_GROUP
from embassies.services import organiser_scope_set
from tests.factories import VerifiedOfficeFactory, started_long_ago


@pytest.fixture
def prague(db):
    return VerifiedOfficeFactory(
        name="Embassy of Ukraine in Czechia",
        city="Praha",
        host_country="CZ",
        street_lines="Charlese de Gaulla 29",
        postcode="160 00",
        email="emb_cz@mfa.gov.ua",
        phone="+420233342000",
    )


@pytest.fixture
def warsaw(db):
    return VerifiedOfficeFactory(
        name="Embassy of Ukraine in Poland", city="Warszawa", host_country="PL", phone="+48226252700"
    )


def organiser_for(django_user_model, *, username: str, countries: list[str], email: str = ""):
    user = django_user_model.objects.create_user(
        username, email=email, password="a long enough passphrase", is_staff=True
    )
    user.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=countries)
    return user


@pytest.fixture
def organiser_cz(django_user_model):
    return organiser_for(django_user_model, username="organiser-cz", countries=["CZ"], email="cz@organisers.example")


@pytest.fixture
def organiser_pl(django_user_model):
    return organiser_for(django_user_model, username="organiser-pl", countries=["PL"], email="pl@organisers.example")


@pytest.fixture
def report_post():
    """What a person who fills in the form at a person's pace posts: a new phone number."""
    return {
        "kind": "phone_wrong",
        "details": "Their website gives another number.",
        "proposed_phone": "+420 222 333 444",
        "reporter_email": "",
        "website": "",
        "form_started": started_long_ago(),
    }
