"""The embeddable counter: no JavaScript, framed only by the sites an organiser listed, edited in the admin."""

import re

from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

import pytest

from common.permissions import ORGANISERS_GROUP
from sharing.models import EmbedOrigin, origin_normalise
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_the_counter_shows_the_campaigns_figures_and_a_link_to_write(client, campaign, contacted):
    response = client.get("/en/embed/law-13673/")

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'data-counter="contacts">4<', page)
    assert "Offices reached: 2 of 4" in page
    assert '<a class="embed-action" href="/en/c/law-13673/" target="_blank" rel="noopener">Write a letter</a>' in page
    assert "<script" not in page and "style=" not in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "public, max-age=60"


def test_a_country_counter_links_to_that_countrys_letter_form(client, campaign, contacted):
    page = client.get("/en/embed/law-13673/", {"country": "cz"}).content.decode()

    assert re.search(r'data-counter="contacts">3<', page)
    assert "Offices reached: 1 of 3" in page
    assert 'href="/en/c/law-13673/cz/"' in page


def test_a_country_without_offices_is_a_clear_400(client, campaign, contacted):
    for country in ("de", "../../etc", "c\x00z", "x" * 500):
        response = client.get("/en/embed/law-13673/", {"country": country})
        assert response.status_code == 400
        assert "The campaign has no offices in this country." in response.content.decode()


def test_an_unknown_campaign_is_404(client, campaign):
    assert client.get("/en/embed/no-such-campaign/").status_code == 404


def test_a_closed_campaign_links_to_its_results(client, offices):
    CampaignFactory(slug="closed-one", is_open=False)

    page = client.get("/en/embed/closed-one/").content.decode()

    assert 'href="/en/progress/closed-one/"' in page and "See the results" in page


def test_the_counter_speaks_the_language_of_its_address(client, campaign, contacted):
    page = client.get("/cs/embed/law-13673/").content.decode()

    assert '<html lang="cs">' in page
    assert 'href="/cs/c/law-13673/"' in page


def test_without_listed_sites_no_page_may_frame_the_counter(client, campaign):
    response = client.get("/en/embed/law-13673/")

    assert response["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(response) == "frame-ancestors 'none'"


def test_only_the_listed_sites_of_this_campaign_may_frame_it(client, campaign):
    EmbedOrigin.objects.create(campaign=campaign, origin="https://news.example")
    EmbedOrigin.objects.create(campaign=campaign, origin="http://127.0.0.1:8123")
    EmbedOrigin.objects.create(campaign=CampaignFactory(), origin="https://elsewhere.example")

    response = client.get("/en/embed/law-13673/")

    assert "X-Frame-Options" not in response.headers
    assert _frame_ancestors(response) == "frame-ancestors http://127.0.0.1:8123 https://news.example"
    # Every other page keeps refusing frames.
    other = client.get("/en/c/law-13673/")
    assert other["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(other) == "frame-ancestors 'none'"


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("https://news.example", "https://news.example"),
        ("HTTPS://News.Example/", "https://news.example"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("https://xn--bcher-kva.example:8443", "https://xn--bcher-kva.example:8443"),
    ],
)
def test_an_origin_is_kept_as_the_browser_writes_it(typed, origin):
    assert origin_normalise(typed) == origin


@pytest.mark.parametrize(
    "typed",
    [
        "news.example",
        "ftp://news.example",
        "https://news.example/page",
        "https://news.example/?q=1",
        "https://user@news.example",
        "https://*.example",
        "https://news.example; script-src *",
        "https://news.example 'unsafe-inline'",
        "https://news.example:99999",
        "https://bücher.example",
        "javascript:alert(1)",
        "*",
        "'self'",
        "",
    ],
)
def test_anything_but_an_origin_is_refused(typed):
    with pytest.raises(ValidationError):
        origin_normalise(typed)


def _organiser(username: str) -> User:
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    return user


def test_an_organiser_lists_a_site_in_the_admin(client, campaign):
    client.force_login(_organiser("organiser"))

    response = client.post(
        "/admin/sharing/embedorigin/add/", {"campaign": campaign.pk, "origin": "HTTPS://News.Example/"}
    )

    assert response.status_code == 302
    assert list(EmbedOrigin.objects.values_list("origin", flat=True)) == ["https://news.example"]
    again = client.post("/admin/sharing/embedorigin/add/", {"campaign": campaign.pk, "origin": "https://news.example"})
    assert again.status_code == 200 and EmbedOrigin.objects.count() == 1
    wrong = client.post("/admin/sharing/embedorigin/add/", {"campaign": campaign.pk, "origin": "https://x.example/a"})
    assert wrong.status_code == 200
    assert "Enter only the site&#x27;s address" in wrong.content.decode()


def test_the_admin_gives_the_code_to_paste(client, campaign, settings):
    settings.SITE_URL = "https://letters.example"
    origin = EmbedOrigin.objects.create(campaign=campaign, origin="https://news.example")
    client.force_login(_organiser("organiser"))

    page = client.get(f"/admin/sharing/embedorigin/{origin.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "&lt;iframe src=&quot;https://letters.example/en/embed/law-13673/&quot;" in page


def test_staff_who_may_not_change_campaigns_may_not_list_sites(client, campaign):
    client.force_login(User.objects.create_user("helper", password="x", is_staff=True))

    assert client.get("/admin/sharing/embedorigin/").status_code == 403
    add = client.post("/admin/sharing/embedorigin/add/", {"campaign": campaign.pk, "origin": "https://a.example"})
    assert add.status_code == 403
    assert not EmbedOrigin.objects.exists()
