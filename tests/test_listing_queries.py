"""Every page that lists offices runs as many queries for 50 offices as for 5: a query per row (N+1) fails here.

Each page is read twice at each size, from a cleared cache, and the second read is counted, so one-time work
(the first read of a permission, a content type) counts the same at both sizes. The offices differ the way real
ones do: kinds, verified or not, with and without email, in five countries, each with letters, contact events
and a call script's campaign, so that a template touching a relation per row is seen.
"""

from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from campaign.models import ContactChannel, ContactEvent
from common.permissions import ORGANISERS_GROUP
from embassies.models import OfficeKind
from embassies.services import organiser_scope_set
from printing.models import Group
from tests.factories import LetterFactory, OfficeFactory, SubmissionFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db

HOST_COUNTRIES = ["CZ", "PL", "SK", "DE", "AT"]
KINDS = [OfficeKind.EMBASSY, OfficeKind.CONSULATE, OfficeKind.HONORARY_CONSULATE]
PUBLIC_PAGES = [
    "/en/embassies/",
    "/en/embassies/cz/",
    "/en/c/law-13673/cz/",
    "/en/progress/law-13673/",
    "/en/progress/law-13673/cz/",
]
STAFF_PAGES = [
    "/admin/embassies/office/",
    "/en/progress/dashboard/",
    "/en/print/batches/new/",
]


def offices_add(*, campaign, count: int, start: int) -> None:
    for index in range(start, start + count):
        factory = VerifiedOfficeFactory if index % 3 else OfficeFactory
        office = factory(
            host_country=HOST_COUNTRIES[index % len(HOST_COUNTRIES)],
            kind=KINDS[index % len(KINDS)],
            email="" if index % 4 == 0 else f"office{index}@example.org",
            name=f"Office {index}",
        )
        submission = SubmissionFactory(campaign=campaign)
        LetterFactory(submission=submission, campaign=campaign, office=office)
        ContactEvent.objects.create(
            campaign=campaign,
            office=office,
            channel=[ContactChannel.POST, ContactChannel.CALL, ContactChannel.MAILTO][index % 3],
            quantity=1,
            occurred_at=timezone.now(),
        )


def queries_counted(client: Client, path: str) -> tuple[int, list[str]]:
    cache.clear()
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), [query["sql"] for query in captured.captured_queries]


def assert_same_queries_for_5_and_50(*, client: Client, path: str, campaign) -> None:
    offices_add(campaign=campaign, count=5, start=0)
    few, few_sql = queries_counted(client, path)
    offices_add(campaign=campaign, count=45, start=5)
    many, many_sql = queries_counted(client, path)

    extra = "\n".join(many_sql[len(few_sql) :]) if many > few else ""
    assert many == few, f"{path}: {few} queries for 5 offices, {many} for 50. Extra:\n{extra}"


@pytest.fixture(autouse=True)
def _figures_computed_each_time(settings):
    settings.PROGRESS_CACHE_SECONDS = 0


@pytest.fixture
def superuser_client(client, campaign):
    user = User.objects.create_superuser("root", password="long-enough-password")
    group = Group.objects.create(name="Praha", country="CZ", city="Praha")
    group.members.add(user)
    client.force_login(user)
    return client


@pytest.fixture
def organiser_client(client, campaign):
    organiser = User.objects.create_user("organiser", password="long-enough-password", is_staff=True)
    organiser.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=organiser, host_countries=HOST_COUNTRIES)
    Group.objects.create(name="Praha", country="CZ", city="Praha").members.add(organiser)
    client.force_login(organiser)
    return client


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_listing_offices(client, campaign, path):
    assert_same_queries_for_5_and_50(client=client, path=path, campaign=campaign)


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_listing_offices_for_a_superuser(superuser_client, campaign, path):
    assert_same_queries_for_5_and_50(client=superuser_client, path=path, campaign=campaign)


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_listing_offices_for_an_organiser(organiser_client, campaign, path):
    assert_same_queries_for_5_and_50(client=organiser_client, path=path, campaign=campaign)


def test_the_count_sees_a_query_per_row(client, campaign):
    """The check itself: a page that queried once per office would fail it."""
    offices_add(campaign=campaign, count=5, start=0)

    def per_row_page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for office in campaign.letters.all():
                str(office.office.name)  # one query per letter's office
        return len(captured)

    few = per_row_page_queries()
    offices_add(campaign=campaign, count=45, start=5)

    assert per_row_page_queries() > few
