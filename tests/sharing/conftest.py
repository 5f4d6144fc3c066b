from django.utils import timezone

import pytest

from campaign.models import ContactChannel, ContactEvent
from tests.factories import LetterFactory, OfficeFactory, SubmissionFactory, VerifiedOfficeFactory
from tracking import progress_cache


@pytest.fixture(autouse=True)
def _forget_the_process_copies_of_progress():
    """The suite clears the cache for every test; the copies each process keeps beside it must go too."""
    progress_cache._process_copies.clear()
    yield
    progress_cache._process_copies.clear()


@pytest.fixture
def offices(db):
    """Two Czech offices (Prague contacted by email and post, Brno not), one Polish, one of another state."""
    return {
        "prague": VerifiedOfficeFactory(name="Embassy of Ukraine in Prague", city="Prague", host_country="CZ"),
        "brno": VerifiedOfficeFactory(
            name="Consulate General of Ukraine in Brno",
            city="Brno",
            host_country="CZ",
            kind="consulate_general",
            head_title="consul_general",
        ),
        "ostrava": OfficeFactory(
            name="Honorary Consulate in Ostrava",
            city="Ostrava",
            host_country="CZ",
            kind="honorary_consulate",
            head_title="honorary_consul",
            email="",
        ),
        "warsaw": VerifiedOfficeFactory(name="Embassy of Ukraine in Warsaw", city="Warsaw", host_country="PL"),
        "moldova": VerifiedOfficeFactory(
            name="Embassy of Moldova in Prague", city="Prague", host_country="CZ", sending_country="MD"
        ),
    }


@pytest.fixture
def contacted(campaign, offices):
    """Letters with supporters' names and addresses, and the anonymous counts they made: 3 to Prague, 1 to Warsaw."""
    now = timezone.now()
    for name, email, office in (
        ("Olena Secretname", "olena.private@example.net", offices["prague"]),
        ("Mykola Hiddenperson", "mykola.private@example.net", offices["warsaw"]),
    ):
        submission = SubmissionFactory(campaign=campaign, name=name, email=email, city="Secretcity")
        LetterFactory(submission=submission, office=office)
    ContactEvent.objects.create(
        campaign=campaign, office=offices["prague"], channel=ContactChannel.EMAIL_SENT, quantity=2, occurred_at=now
    )
    ContactEvent.objects.create(
        campaign=campaign, office=offices["prague"], channel=ContactChannel.POST, quantity=1, occurred_at=now
    )
    ContactEvent.objects.create(
        campaign=campaign, office=offices["warsaw"], channel=ContactChannel.EMAIL_SENT, quantity=1, occurred_at=now
    )
    return offices
