"""The import matches records from offices loaded once (OfficeIndex): the same office office_match finds, and a
number of queries for offices that does not grow with the file."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from embassies.importing import office_file_import, office_match
from embassies.importing.applying import OfficeIndex
from embassies.models import OfficeKind
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def values(**overrides) -> dict:
    return {
        "sending_country": "UA",
        "host_country": "CZ",
        "kind": OfficeKind.CONSULATE,
        "city": "Brno",
        "email": "",
        "source": "",
        "wikidata_id": "",
        **overrides,
    }


@pytest.fixture
def offices():
    return [
        OfficeFactory(sending_country="UA", host_country="CZ", kind=OfficeKind.EMBASSY, name="E1", city="Praha",
                      email="emb@example.org", source="https://a.example", wikidata_id="Q1"),
        OfficeFactory(sending_country="UA", host_country="CZ", kind=OfficeKind.CONSULATE, name="C1", city="Brno",
                      email="Brno@Example.org", source="https://shared.example"),
        OfficeFactory(sending_country="UA", host_country="CZ", kind=OfficeKind.CONSULATE, name="C2", city="brno",
                      email="brno2@example.org", source="https://shared.example"),
        OfficeFactory(sending_country="UA", host_country="DE", kind=OfficeKind.EMBASSY, name="E2", city="Berlin"),
        OfficeFactory(sending_country="UA", host_country="DE", kind=OfficeKind.EMBASSY, name="E3", city="Bonn"),
        OfficeFactory(sending_country="UA", host_country="DE", kind=OfficeKind.EMBASSY, name="E4", city="BONN"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "record",
    [
        values(wikidata_id="Q1"),
        values(wikidata_id="Q404", kind=OfficeKind.EMBASSY, city="Elsewhere"),
        values(source="https://a.example", city="Nowhere"),
        values(source="https://shared.example", city="Nowhere"),
        values(source="https://shared.example", city="Nowhere", email="brno2@example.org"),
        values(email="BRNO@example.ORG", city="Nowhere"),
        values(city="BRNO"),
        values(city="Ostrava"),
        values(kind=OfficeKind.EMBASSY, city="Anywhere"),
        values(host_country="DE", kind=OfficeKind.EMBASSY, city="bonn"),
        values(host_country="DE", kind=OfficeKind.EMBASSY, city="Hamburg"),
        values(host_country="PL", kind=OfficeKind.EMBASSY, city="Warszawa"),
    ],
)
@pytest.mark.parametrize("source_identifies", [True, False])
def test_the_index_finds_what_office_match_finds(offices, record, source_identifies):
    expected = office_match(values=record, source_identifies=source_identifies)
    found = OfficeIndex().match(values=record, source_identifies=source_identifies)
    assert (found and found.pk) == (expected and expected.pk)


def offices_csv(count: int) -> bytes:
    header = "sending_country,host_country,kind,name,city,email,source,source_date\n"
    rows = "".join(
        f"UA,CZ,consulate,,City {n},office{n}@example.org,https://example.org/{n},2026-01-01\n" for n in range(count)
    )
    return (header + rows).encode()


def office_selects(content: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = office_file_import(content=content, filename="offices.csv")
    assert not report.rejected
    return sum(1 for query in queries if query["sql"].startswith("SELECT") and "embassies_office" in query["sql"])


def test_offices_are_read_once_however_long_the_file(offices):
    assert office_selects(offices_csv(3)) == office_selects(offices_csv(40)) == 1
    # A second run updates nothing and still reads the offices once.
    assert office_selects(offices_csv(40)) == 1
