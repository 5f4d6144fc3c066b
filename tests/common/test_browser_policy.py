"""Headers every page sends: a strict CSP, a Permissions-Policy, no referrer from supporter pages, and CSRF that
works from those pages without a cookie on pages that have no form."""

import re

from django.test import Client

import pytest

from tests.factories import VerifiedOfficeFactory, started_long_ago

pytestmark = pytest.mark.django_db

SUPPORTER_PAGES = [
    "/en/",
    "/en/c/law-13673/",
    "/en/c/law-13673/cz/",
    "/en/progress/law-13673/",
    "/en/embassies/",
    "/en/embassies/cz/",
]


@pytest.fixture
def office(campaign):
    return VerifiedOfficeFactory(name="Embassy", city="Praha")


@pytest.mark.parametrize("path", SUPPORTER_PAGES)
def test_supporter_pages_send_a_strict_policy_and_no_referrer(client, office, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";") if directive
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert not re.search(r"<script(?![^>]*\bsrc=)", response.content.decode()), "inline script"
    assert not re.search(r"\sstyle=\"", response.content.decode()), "inline style"


@pytest.mark.parametrize("path", ["/en/", "/en/c/law-13673/", "/en/progress/law-13673/", "/en/embassies/cz/"])
def test_pages_without_a_form_set_no_csrf_cookie(client, office, path):
    assert "csrftoken" not in client.get(path).cookies


def test_the_csrf_cookie_of_a_form_lasts_only_the_browser_session(client, office):
    cookie = client.get("/en/c/law-13673/cz/").cookies["csrftoken"]

    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_staff_pages_keep_the_same_origin_referrer_policy(admin_client):
    assert admin_client.get("/admin/")["Referrer-Policy"] == "same-origin"


def test_a_supporter_form_posted_with_a_null_origin_is_accepted_with_its_token_only(office):
    """A no-referrer page makes the browser send Origin: null; the CSRF token still decides."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/en/c/law-13673/cz/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "action": "preview",
        "offices": [str(office.pk)],
        "language": "en",
        "name": "Jana",
        "website": "",
        "form_started": started_long_ago(),
    }

    with_token = browser.post("/en/c/law-13673/cz/", {**data, "csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    forged = Client(enforce_csrf_checks=True).post("/en/c/law-13673/cz/", data, HTTP_ORIGIN="null")
    other_site = browser.post(
        "/en/c/law-13673/cz/", {**data, "csrfmiddlewaretoken": token}, HTTP_ORIGIN="https://evil.example"
    )

    assert with_token.status_code == 200 and "Preview" in with_token.content.decode()
    assert forged.status_code == 403
    assert other_site.status_code == 403
