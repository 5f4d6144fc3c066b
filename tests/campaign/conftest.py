from django.core import mail

import pytest

from config.celery import app
from embassies.models import HeadTitle, OfficeKind
from tests.factories import OfficeFactory, VerifiedOfficeFactory, started_long_ago


@pytest.fixture
def eager_retries():
    """Eager tasks propagate a Retry unless told not to; a worker would schedule it instead."""
    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


@pytest.fixture
def offices(db):
    """Czech offices: embassy and consulate (verified), honorary consulate, an unverified consulate."""
    return {
        "embassy": VerifiedOfficeFactory(name="Embassy of Ukraine in Czechia", city="Praha"),
        "consulate": VerifiedOfficeFactory(
            name="Consulate of Ukraine in Brno", city="Brno", kind=OfficeKind.CONSULATE, head_title=HeadTitle.CONSUL
        ),
        "honorary": VerifiedOfficeFactory(
            name="Honorary Consulate of Ukraine in Ostrava",
            city="Ostrava",
            kind=OfficeKind.HONORARY_CONSULATE,
            head_title=HeadTitle.HONORARY_CONSUL,
        ),
        "unverified": OfficeFactory(
            name="Consulate General of Ukraine in Plzeň",
            city="Plzeň",
            kind=OfficeKind.CONSULATE_GENERAL,
            head_title=HeadTitle.CONSUL_GENERAL,
        ),
    }


@pytest.fixture
def letter_data(offices):
    """Valid POST data of the letter form, as a person would send it."""

    def build(action="email", office_keys=("embassy", "consulate"), **overrides):
        data = {
            "action": action,
            "offices": [str(offices[key].pk) for key in office_keys],
            "language": "en",
            "name": "Jana Nováková",
            "city": "Brno",
            "email": "Jana@Example.org",
            "personal_paragraph": "My neighbour fled the draft; he is not a criminal.",
            "subject": "A protest against Law No. 13673",
            "body": "{salutation},\n\nWe write on behalf of the citizens of {host_country}.",
            "website": "",
            "form_started": started_long_ago(),
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


def confirm_link(message) -> str:
    for line in message.body.splitlines():
        if "/confirm/" in line:
            return line.strip()
    raise AssertionError("no confirmation link in the email")
