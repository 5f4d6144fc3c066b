"""The public directory: what a supporter sees, in their language, with a constant number of queries."""

import csv
import io

from django.urls import reverse

import pytest

from embassies.models import OfficeKind
from tests.factories import OfficeFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db


def test_country_list_counts_active_offices_with_names_in_the_page_language(client):
    OfficeFactory.create_batch(2, host_country="CZ")
    OfficeFactory(host_country="CZ", active=False)
    OfficeFactory(host_country="AT", phone="+4314797172")

    response = client.get("/de/embassies/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tschechien" in page and "Österreich" in page
    counts = [(country.code, country.office_count) for country in response.context["country_counts"]]
    assert counts == [("AT", 1), ("CZ", 2)]
    assert 'href="/de/embassies/cz/"' in page


def test_country_list_sorts_by_translated_name(client):
    OfficeFactory(host_country="DE", phone="+49302888710")
    OfficeFactory(host_country="AT", phone="+4314797172")
    OfficeFactory(host_country="HU", phone="+3614224120")

    english = [c.code for c in client.get("/en/embassies/").context["country_counts"]]
    german = [c.code for c in client.get("/de/embassies/").context["country_counts"]]

    assert english == ["AT", "DE", "HU"]  # Austria, Germany, Hungary
    assert german == ["DE", "AT", "HU"]  # Deutschland, Österreich, Ungarn


def test_country_detail_shows_contacts_in_both_formats_and_marks_unverified(client):
    OfficeFactory(
        host_country="CZ",
        kind=OfficeKind.CONSULATE,
        name="Consulate of Ukraine in Brno",
        city="Brno",
        phone="+420541211004",
        fax="+420541211005",
        email="brno@example.org",
        other_emails="visa@example.org",
        website="https://brno.example.org/",
        consular_district="South Moravian Region",
    )

    page = client.get("/en/embassies/CZ/").content.decode()

    assert 'href="tel:+420541211004"' in page
    assert "+420 541 211 004" in page and "541 211 004" in page
    assert 'href="tel:+420541211005"' in page
    assert 'href="mailto:brno@example.org"' in page and 'href="mailto:visa@example.org"' in page
    assert "https://brno.example.org/" in page
    assert "South Moravian Region" in page
    assert "Unverified" in page
    assert "Brno" in page


def test_country_detail_shows_last_verified_date(client):
    office = VerifiedOfficeFactory(host_country="CZ")

    page = client.get("/en/embassies/cz/").content.decode()

    assert "Last verified" in page
    assert str(office.verified_on.year) in page
    assert "Unverified" not in page


def test_country_detail_orders_embassy_first_and_hides_closed_offices(client):
    OfficeFactory(kind=OfficeKind.HONORARY_CONSULATE, city="Aš", name="Honorary")
    OfficeFactory(kind=OfficeKind.CONSULATE, city="Brno", name="Consulate")
    OfficeFactory(kind=OfficeKind.EMBASSY, city="Praha", name="Embassy")
    OfficeFactory(kind=OfficeKind.CONSULATE, city="Ostrava", name="Closed", active=False)

    offices = client.get("/en/embassies/cz/").context["offices"]

    assert [office.name for office in offices] == ["Embassy", "Consulate", "Honorary"]


def test_country_detail_filters_by_sending_state(client):
    OfficeFactory(sending_country="UA", name="Ukrainian")
    OfficeFactory(sending_country="RU", name="Russian")

    offices = client.get("/en/embassies/cz/?sending=ru").context["offices"]

    assert [office.name for office in offices] == ["Russian"]


def test_bad_sending_filter_is_explained_not_a_crash(client):
    OfficeFactory(name="Ukrainian")

    response = client.get("/en/embassies/cz/?sending=<script>")

    assert response.status_code == 200
    assert "is not a country code" in response.content.decode()
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("code", ["xx", "czech", "1"])
def test_unknown_country_is_404(client, code):
    assert client.get(f"/en/embassies/{code}/").status_code == 404


def test_country_page_title_in_german(client):
    OfficeFactory(host_country="CZ")

    page = client.get("/de/embassies/cz/").content.decode()

    assert "Tschechien" in page


@pytest.mark.parametrize("office_count", [2, 40])
def test_pages_use_a_constant_number_of_queries(client, django_assert_num_queries, office_count):
    for number in range(office_count):
        OfficeFactory(host_country="CZ", city=f"City {number}", fax="+420233342001", other_emails="a@example.org")
    OfficeFactory(host_country="SK", phone="+421259202810")

    with django_assert_num_queries(3):  # the offices, their opening hours, the sending states for the filter
        response = client.get("/en/embassies/cz/")
    assert len(response.context["offices"]) == office_count
    with django_assert_num_queries(2):  # the counts, the sending states
        client.get("/en/embassies/")
    with django_assert_num_queries(1):
        client.get("/en/embassies/directory.csv")


def test_directory_csv_lists_active_offices_without_organiser_names(client):
    VerifiedOfficeFactory(name="Embassy of Ukraine in Czechia", verified_by="alice")
    OfficeFactory(name="Closed one", active=False)

    response = client.get(reverse("embassies:directory_csv"))

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows] == ["Embassy of Ukraine in Czechia"]
    assert rows[0]["phone"] == "'+420233342000"  # quoted: a cell starting with + would run as a formula
    assert "alice" not in response.content.decode()


def test_country_csv_only_has_that_country(client):
    OfficeFactory(host_country="CZ", name="In Czechia")
    OfficeFactory(host_country="SK", name="In Slovakia", phone="+421259202810")

    rows = list(csv.DictReader(io.StringIO(client.get("/en/embassies/sk/offices.csv").content.decode())))

    assert [row["name"] for row in rows] == ["In Slovakia"]
