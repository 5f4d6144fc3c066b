"""Share links on the campaign pages, the Open Graph tags and card, and the Mastodon step: no third party loads."""

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.test import Client

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from campaign.models import CampaignTranslation
from sharing.links import mastodon_instance_parse, share_links_build
from tests.factories import CampaignFactory
from tests.fuzzing import FUZZ, TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://letters.example"


def _links(page: str) -> dict[str, str]:
    share = page[page.index('id="share-heading"') :]
    return {unescape(text): unescape(href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', share)}


def _meta(page: str, name: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', page)
    assert match, name
    return unescape(match.group(1))


def test_the_campaign_page_offers_plain_share_links(client, campaign, offices):
    page = client.get("/en/c/law-13673/").content.decode()
    links = _links(page)
    url = "https://letters.example/en/c/law-13673/"

    telegram = urlsplit(links["Telegram"])
    assert (telegram.scheme, telegram.netloc, telegram.path) == ("https", "t.me", "/share/url")
    assert parse_qs(telegram.query) == {"url": [url], "text": ["Against Law No. 13673"]}
    assert parse_qs(urlsplit(links["WhatsApp"]).query) == {"text": [f"Against Law No. 13673 {url}"]}
    email = urlsplit(links["Email"])
    assert email.scheme == "mailto"
    assert parse_qs(email.query) == {"subject": ["Against Law No. 13673"], "body": [f"Against Law No. 13673\n\n{url}"]}
    assert links["Mastodon"] == "/en/share/law-13673/mastodon/"
    assert f'<input id="share-link" type="url" readonly value="{url}"' in page
    assert "Signal has no share link" in page
    for href in (links["Telegram"], links["WhatsApp"]):
        assert f'<a href="{href.replace("&", "&amp;")}" rel="noopener noreferrer">' in page
    # Nothing of theirs is loaded: no scripts, images or frames from another site.
    assert not re.search(r'<(script|img|iframe)[^>]+src="https?://', page)


def test_the_letter_page_shares_its_prefilled_address_and_no_other_parameter(client, campaign, offices):
    prague = offices["prague"].pk
    page = client.get(f"/en/c/law-13673/cz/?offices={prague}&letter=en&utm_source=x").content.decode()

    url = f"https://letters.example/en/c/law-13673/cz/?offices={prague}&letter=en"
    assert f'readonly value="{url.replace("&", "&amp;")}"' in page
    assert _links(page)["Mastodon"] == "/en/share/law-13673/mastodon/?cc=cz"
    assert _meta(page, "og:url") == url


def test_campaign_and_letter_pages_carry_open_graph_tags_in_the_readers_language(client, campaign, offices):
    CampaignTranslation.objects.create(
        campaign=campaign, language="cs", title="Proti zákonu č. 13673", target="Zákon", summary="Napište dopis."
    )

    for path in ("/cs/c/law-13673/", "/cs/c/law-13673/cz/"):
        page = client.get(path).content.decode()
        assert _meta(page, "og:title") == "Proti zákonu č. 13673"
        assert _meta(page, "og:description") == "Napište dopis."
        assert _meta(page, "og:image") == "https://letters.example/cs/share/law-13673/card.png"
        assert _meta(page, "og:url") == f"https://letters.example{path}"
        assert _meta(page, "twitter:card") == "summary_large_image"


def test_the_card_is_a_png_the_site_draws_once_per_text(client, campaign):
    response = client.get("/en/share/law-13673/card.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)
    etag = response["ETag"]
    assert client.get("/en/share/law-13673/card.png", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/en/share/law-13673/card.png")["ETag"] == etag
    assert any("sharing:og-image:" in key for key in cache._cache)  # the test settings' local-memory cache

    campaign.title = "Against Law No. 13673, now in second reading"
    campaign.save()
    assert client.get("/en/share/law-13673/card.png")["ETag"] != etag


def test_the_card_is_drawn_in_the_readers_language(client, campaign):
    CampaignTranslation.objects.create(campaign=campaign, language="uk", title="Проти закону № 13673", target="Закон")

    english = client.get("/en/share/law-13673/card.png")
    ukrainian = client.get("/uk/share/law-13673/card.png")

    assert ukrainian.status_code == 200
    assert english["ETag"] != ukrainian["ETag"]
    assert english.content != ukrainian.content


def test_a_long_title_and_summary_still_fit_the_card(client):
    # The longest title the field holds (200 characters, with no space to break at) and a summary of 2,000 words.
    CampaignFactory(slug="long", title="Overlong" * 25, summary=" ".join(["word"] * 2000))

    response = client.get("/en/share/long/card.png")

    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_a_closed_or_unknown_campaign_has_no_card(client, offices):
    CampaignFactory(slug="closed-one", is_open=False)

    assert client.get("/en/share/closed-one/card.png").status_code == 404
    assert client.get("/en/share/nothing/card.png").status_code == 404


@pytest.mark.parametrize(
    ("typed", "instance"),
    [
        ("mastodon.social", "mastodon.social"),
        (" https://Mastodon.Social/ ", "mastodon.social"),
        ("@me@chaos.social", "chaos.social"),
        ("me@fosstodon.org", "fosstodon.org"),
        ("localhost", None),
        ("mastodon.social/@me", None),
        ("evil.example/path?x=1", None),
        ("mastodon.social:8080", None),
        ("javascript:alert(1)", None),
        ("", None),
        ("ma stodon.social", None),
        ("mästodon.social", None),
    ],
)
def test_a_mastodon_server_is_only_ever_a_host_name(typed, instance):
    assert mastodon_instance_parse(typed) == instance


def test_the_mastodon_page_asks_for_the_server_without_javascript(client, campaign, offices):
    response = client.get("/en/share/law-13673/mastodon/", {"cc": "cz"})

    page = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get" action="/en/share/law-13673/mastodon/"' in page
    assert '<input type="hidden" name="cc" value="cz">' in page
    assert "<script" not in page


def test_from_our_own_form_the_reader_goes_straight_to_their_server(client, campaign, offices):
    response = client.get(
        "/en/share/law-13673/mastodon/", {"cc": "cz", "instance": "@me@chaos.social"}, HTTP_SEC_FETCH_SITE="same-origin"
    )

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "chaos.social", "/share")
    assert parse_qs(target.query) == {"text": ["Against Law No. 13673\n\nhttps://letters.example/en/c/law-13673/cz/"]}


def test_a_link_from_elsewhere_is_no_open_redirect(client, campaign, offices):
    response = Client().get(
        "/en/share/law-13673/mastodon/", {"instance": "evil.example"}, HTTP_SEC_FETCH_SITE="cross-site"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="https://evil.example/share?text=' in page  # shown, to follow only if the reader wants


def test_a_country_the_campaign_lacks_shares_the_campaign_page(client, campaign, offices):
    response = client.get(
        "/en/share/law-13673/mastodon/", {"cc": "zz", "instance": "a.example"}, HTTP_SEC_FETCH_SITE="same-origin"
    )

    assert "https%3A%2F%2Fletters.example%2Fen%2Fc%2Flaw-13673%2F" in response["Location"]


@pytest.mark.parametrize("instance", ["", "not a server", "x" * 400, "https://a.example/evil", "\x00"])
def test_a_wrong_server_is_a_clear_400(client, campaign, instance):
    response = client.get("/en/share/law-13673/mastodon/", {"instance": instance}, HTTP_SEC_FETCH_SITE="same-origin")

    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_share_links_encode_what_they_carry():
    links = share_links_build(url="https://l.example/en/c/x/?a=1&b=2", text="A & B #1", email_subject="S?")

    assert parse_qs(urlsplit(links.telegram).query) == {
        "url": ["https://l.example/en/c/x/?a=1&b=2"],
        "text": ["A & B #1"],
    }
    assert parse_qs(urlsplit(links.email).query)["subject"] == ["S?"]


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["instance", "cc", "country", "x"]), TEXT, max_size=3))
def test_any_query_to_the_sharing_pages_gets_an_answer(campaign, offices, query):
    client = Client()
    for path in ("/en/share/law-13673/mastodon/", "/en/embed/law-13673/", "/en/share/law-13673/card.png"):
        response = client.get(path, query, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code in {200, 302, 400}, (path, query, response.status_code)
