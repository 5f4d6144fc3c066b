from django.contrib.auth.models import Group as AuthGroup

import pytest

from common.permissions import ORGANISERS_GROUP
from embassies.models import Office
from embassies.services import organiser_scope_set
from faxing.models import FaxGateway, GatewayKind

# The Czech offices of tests/campaign/conftest.py, with the fixtures people pass them by.
from tests.campaign.conftest import eager_retries, letter_data, offices, outbox  # noqa: F401

from .fake_sinch import KEY_ID, KEY_SECRET, PROJECT_ID, FakeSinch

EMBASSY_FAX = "+420233342001"


@pytest.fixture
def faxable(offices):  # noqa: F811
    """The embassy lists a fax number; the consulate does not."""
    Office.objects.filter(pk=offices["embassy"].pk).update(fax=EMBASSY_FAX)
    offices["embassy"].refresh_from_db()
    return offices["embassy"]


@pytest.fixture
def email_gateway(db):
    return FaxGateway.objects.create(
        host_country="CZ",
        kind=GatewayKind.EMAIL,
        address_template="{number}@sinchfax.com",
        sender_email="fax@campaign.test",
    )


def organiser_for(django_user_model, *, username: str, countries: list[str]):
    user = django_user_model.objects.create_user(username, password="a long enough passphrase", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=countries)
    return user


@pytest.fixture
def sinch():
    server = FakeSinch().start()
    yield server
    server.stop()


@pytest.fixture
def sinch_gateway(sinch):
    return FaxGateway.objects.create(
        host_country="CZ",
        kind=GatewayKind.SINCH,
        api_url=sinch.url,
        project_id=PROJECT_ID,
        key_id=KEY_ID,
        key_secret=KEY_SECRET,
    )
