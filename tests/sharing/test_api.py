"""The public JSON API: counts per campaign, country and office; CORS for reading; no personal data."""

import json

from django.test import Client

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.models import ContactChannel
from tests.factories import CampaignFactory
from tests.fuzzing import FUZZ

pytestmark = pytest.mark.django_db

SEGMENT = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="/?#"), min_size=1, max_size=80)


def test_the_campaign_figures_total_the_counted_contacts_per_country(client, campaign, contacted):
    response = client.get("/api/v1/campaigns/law-13673/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["api_version"] == 1
    assert data["campaign"] == {
        "slug": "law-13673",
        "title": "Against Law No. 13673",
        "target": campaign.target,
        "is_open": True,
    }
    assert data["totals"]["contacts"] == 4
    assert data["totals"]["channels"][ContactChannel.EMAIL_SENT] == 3
    assert data["totals"]["channels"][ContactChannel.POST] == 1
    assert data["totals"]["offices_listed"] == 4  # the Moldovan embassy is not written to
    assert data["totals"]["offices_reached"] == 2
    by_code = {country["code"]: country for country in data["countries"]}
    assert set(by_code) == {"CZ", "PL"}
    assert by_code["CZ"] | {"channels": None} == {
        "code": "CZ",
        "name": "Czechia",
        "offices_listed": 3,
        "offices_reached": 1,
        "contacts": 3,
        "channels": None,
    }
    assert by_code["PL"]["contacts"] == 1


def test_a_country_lists_each_office_with_its_counts(client, campaign, contacted):
    data = client.get("/api/v1/campaigns/law-13673/countries/cz/").json()

    assert data["country"]["code"] == "CZ"
    offices = {office["name"]: office for office in data["offices"]}
    assert set(offices) == {
        "Embassy of Ukraine in Prague",
        "Consulate General of Ukraine in Brno",
        "Honorary Consulate in Ostrava",
    }
    prague = offices["Embassy of Ukraine in Prague"]
    assert prague["id"] == contacted["prague"].pk
    assert prague["city"] == "Prague"
    assert prague["kind"] == "embassy"
    assert prague["contacted"] is True
    assert prague["contacts"] == 3
    assert prague["channels"][ContactChannel.EMAIL_SENT] == 2
    assert offices["Consulate General of Ukraine in Brno"]["contacted"] is False
    assert offices["Consulate General of Ukraine in Brno"]["contacts"] == 0
    # Upper case works too: the code is a country code, not a path to match letter by letter.
    assert client.get("/api/v1/campaigns/law-13673/countries/CZ/").json() == data


def test_no_response_holds_personal_data(client, campaign, contacted):
    bodies = [
        client.get(url).content.decode()
        for url in (
            "/api/v1/campaigns/law-13673/",
            "/api/v1/campaigns/law-13673/countries/cz/",
            "/api/v1/campaigns/law-13673/countries/pl/",
        )
    ]
    for body in bodies:
        for personal in ("Secretname", "Hiddenperson", "private@example.net", "Secretcity", "example.org"):
            assert personal not in body
        # Office addresses are in the directory, but the API does not need them, nor the offices' email addresses.
        assert "@" not in body


def test_answers_may_be_cached_and_read_from_any_site(client, campaign, contacted):
    response = client.get("/api/v1/campaigns/law-13673/", HTTP_ORIGIN="https://news.example")

    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Set-Cookie" not in response.headers
    assert client.head("/api/v1/campaigns/law-13673/").status_code == 200


def test_the_preflight_is_answered_for_reading_only(client, campaign):
    response = client.options(
        "/api/v1/campaigns/law-13673/",
        HTTP_ORIGIN="https://news.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert int(response["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_refused_with_405(client, campaign, method):
    response = getattr(client, method)("/api/v1/campaigns/law-13673/", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "error" in response.json()


def test_the_api_refuses_a_campaign_without_csrf_trouble(campaign):
    """A POST gets the API's 405, not the CSRF page's 403: nothing here reads a form."""
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/api/v1/campaigns/law-13673/").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/campaigns/no-such-campaign/",
        "/api/v1/campaigns/law-13673/countries/de/",
        "/api/v1/campaigns/law-13673/countries/czech/",
        "/api/v1/campaigns/no-such-campaign/countries/cz/",
        "/api/v1/elsewhere/",
        "/api/v2/campaigns/law-13673/",
    ],
)
def test_unknown_campaigns_countries_and_addresses_are_404_in_json(client, campaign, contacted, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["error"]


def test_a_closed_campaigns_counts_stay_public(client, offices):
    closed = CampaignFactory(slug="closed-one", is_open=False)

    data = client.get("/api/v1/campaigns/closed-one/").json()

    assert data["campaign"]["slug"] == closed.slug
    assert data["campaign"]["is_open"] is False


def test_the_figures_cost_one_query_once_cached(client, campaign, contacted, django_assert_num_queries):
    client.get("/api/v1/campaigns/law-13673/")  # computes and caches the figures

    with django_assert_num_queries(1):  # the campaign by its slug
        assert client.get("/api/v1/campaigns/law-13673/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/api/v1/campaigns/law-13673/countries/cz/").status_code == 200


@FUZZ
@given(slug=SEGMENT, cc=SEGMENT)
def test_any_path_gets_an_answer_not_a_server_error(campaign, slug, cc):
    client = Client()
    for url in (f"/api/v1/campaigns/{slug}/", f"/api/v1/campaigns/{slug}/countries/{cc}/", f"/api/v1/{slug}"):
        response = client.get(url)
        assert response.status_code in {200, 301, 404}, (url, response.status_code)
        if response.status_code == 404:
            json.loads(response.content)
