"""The mailto channel: links with the letter filled in, nothing personal stored, anonymous "I sent it"."""

from urllib.parse import parse_qs, unquote, urlsplit

from django.urls import reverse

import pytest

from campaign.mailto import mailto_url
from campaign.models import ContactChannel, ContactEvent, Letter, Submission

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])


def mailto_links(page: str) -> list[str]:
    return [chunk.split('"')[0] for chunk in page.split('href="mailto:')[1:]]


def test_mailto_url_is_properly_encoded():
    url = mailto_url(to="embassy@example.org", subject="Law & order? 100%", body="Dear Ambassador,\n\nŽádáme…")
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and parts.path == "embassy@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Law & order? 100%"]
    assert query["body"] == ["Dear Ambassador,\r\n\r\nŽádáme…"]
    assert "\n" not in url and " " not in url


def test_mailto_page_has_one_link_per_office_and_stores_nothing(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(action="mailto", office_keys=("embassy", "unverified")))

    page = response.content.decode()
    links = mailto_links(page)
    assert len(links) == 2
    embassy_link = next(
        link
        for link in links
        if link.startswith(offices["embassy"].email.replace("@", "%40")) or link.startswith(offices["embassy"].email)
    )
    body = parse_qs(urlsplit("mailto:" + embassy_link.replace("&amp;", "&")).query)["body"][0]
    assert body.startswith("Dear Ambassador,\r\n\r\nWe write on behalf of the citizens of Czechia.")
    assert "Jana Nováková" in unquote(body)
    assert Submission.objects.count() == 0
    assert Letter.objects.count() == 0
    assert ContactEvent.objects.count() == 0


def test_i_sent_it_counts_anonymously_once_per_office(client, campaign, offices, letter_data):
    data = letter_data(action="mailto", mark_sent=str(offices["embassy"].pk))

    first = client.post(FORM_URL, data)
    again = client.post(FORM_URL, data)

    assert "counted" in first.content.decode()
    assert again.status_code == 200
    events = ContactEvent.objects.filter(channel=ContactChannel.MAILTO)
    assert [(event.office_id, event.quantity) for event in events] == [(offices["embassy"].pk, 1)]
    assert Submission.objects.count() == 0


def test_i_sent_it_is_rate_limited_per_ip(client, campaign, offices, letter_data, settings):
    settings.RATE_LIMIT_MARKS_PER_IP = 1
    client.post(FORM_URL, letter_data(action="mailto", mark_sent=str(offices["embassy"].pk)))
    client.post(FORM_URL, letter_data(action="mailto", mark_sent=str(offices["consulate"].pk)))

    assert ContactEvent.objects.filter(channel=ContactChannel.MAILTO).count() == 1


def test_i_sent_it_for_an_office_not_in_the_letter_counts_nothing(client, campaign, offices, letter_data):
    client.post(FORM_URL, letter_data(action="mailto", office_keys=("embassy",), mark_sent=str(offices["honorary"].pk)))
    assert ContactEvent.objects.count() == 0


def test_the_mailto_page_leads_back_to_the_letter_with_everything_kept(client, campaign, offices, letter_data):
    page = client.post(FORM_URL, letter_data(action="mailto")).content.decode()
    assert 'name="action" value="preview"' in page.split('name="action" value="mailto"')[1]  # after the hidden one

    # A browser posts the hidden action first and the pressed button last; the last one wins.
    back = client.post(FORM_URL, letter_data(action=["mailto", "preview"]))

    assert back.status_code == 200
    assert back.templates[0].name == "campaign/letter_form.html"
    assert "Jana Nováková" in back.content.decode()
    assert ContactEvent.objects.count() == 0
