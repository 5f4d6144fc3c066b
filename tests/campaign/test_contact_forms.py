"""The contact-form channel: each office's web form with the letter ready to copy, and an anonymous "I sent it"."""

import re

from django.urls import reverse

import pytest

from campaign.models import CONTACT_CHANNELS, ContactChannel, ContactEvent, Letter, Submission
from embassies.models import Office

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])
EMBASSY_FORM = "https://embassy.example.org/contact?topic=law"


@pytest.fixture
def with_forms(offices):
    Office.objects.filter(pk=offices["embassy"].pk).update(contact_form_url=EMBASSY_FORM)
    Office.objects.filter(pk=offices["consulate"].pk).update(contact_form_url="http://brno.example.org/form")
    return offices


def links(page: str) -> list[str]:
    return re.findall(r'<a class="button" href="([^"]*)"([^>]*)>', page)


def test_the_page_links_each_form_and_holds_the_letter_to_copy(client, campaign, with_forms, letter_data):
    response = client.post(
        FORM_URL, letter_data(action="contact_form", office_keys=("embassy", "consulate", "honorary"))
    )

    page = response.content.decode()
    assert response.status_code == 200
    found = links(page)
    assert [href for href, _rest in found] == [
        "https://embassy.example.org/contact?topic=law".replace("&", "&amp;"),
        "http://brno.example.org/form",
    ]
    assert all('target="_blank"' in rest and 'rel="noopener noreferrer"' in rest for _href, rest in found)
    assert 'value="A protest against Law No. 13673"' in page
    assert re.search(r"<textarea [^>]*readonly[^>]*>Dear Ambassador,\n\nWe write on behalf of the citizens", page)
    without = page.split("Offices without a contact form")[1]
    assert "Honorary Consulate of Ukraine in Ostrava" in without
    assert Submission.objects.count() == Letter.objects.count() == ContactEvent.objects.count() == 0


def test_i_sent_it_is_counted_once_as_a_contact_form(client, campaign, with_forms, letter_data):
    data = letter_data(action="contact_form", mark_sent=str(with_forms["embassy"].pk))

    first = client.post(FORM_URL, data).content.decode()
    again = client.post(FORM_URL, data).content.decode()

    assert "Your letter to Embassy of Ukraine in Czechia is counted, anonymously." in first
    assert "We had already counted this." in again
    events = ContactEvent.objects.all()
    assert [(event.office_id, event.channel, event.quantity) for event in events] == [
        (with_forms["embassy"].pk, ContactChannel.CONTACT_FORM, 1)
    ]
    assert ContactChannel.CONTACT_FORM in CONTACT_CHANNELS  # it counts as contacting the office


def test_i_sent_it_is_limited_per_address(client, campaign, with_forms, letter_data, settings):
    settings.RATE_LIMIT_MARKS_PER_IP = 1
    client.post(FORM_URL, letter_data(action="contact_form", mark_sent=str(with_forms["embassy"].pk)))
    client.post(FORM_URL, letter_data(action="contact_form", mark_sent=str(with_forms["consulate"].pk)))

    assert ContactEvent.objects.filter(channel=ContactChannel.CONTACT_FORM).count() == 1


def test_an_office_without_a_form_cannot_be_marked(client, campaign, with_forms, letter_data):
    client.post(
        FORM_URL,
        letter_data(
            action="contact_form", office_keys=("embassy", "honorary"), mark_sent=str(with_forms["honorary"].pk)
        ),
    )

    assert not ContactEvent.objects.exists()


def test_a_javascript_address_never_becomes_a_link(client, campaign, offices, letter_data):
    # The model's URL field refuses it; data written around the field (an old import, the shell) must not pass either.
    Office.objects.filter(pk=offices["embassy"].pk).update(contact_form_url="javascript:alert(document.cookie)")
    Office.objects.filter(pk=offices["consulate"].pk).update(contact_form_url="https://brno.example.org/form")

    form_page = client.post(FORM_URL, letter_data(action="contact_form")).content.decode()
    directory = client.get(reverse("embassies:country_detail", args=["cz"])).content.decode()

    assert [href for href, _rest in links(form_page)] == ["https://brno.example.org/form"]
    assert "Embassy of Ukraine in Czechia" in form_page.split("Offices without a contact form")[1]
    for page in (form_page, directory):
        assert "javascript:" not in page


def test_without_any_form_the_letter_page_says_so(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(action="contact_form"))

    assert "None of these offices has a contact form." in response.content.decode()
    assert not ContactEvent.objects.exists()


def test_the_letter_form_offers_the_button_only_when_an_office_has_a_form(client, campaign, offices):
    assert "Use their contact forms" not in client.get(FORM_URL).content.decode()
    Office.objects.filter(pk=offices["honorary"].pk).update(contact_form_url="https://ostrava.example.org/form")

    page = client.get(FORM_URL).content.decode()

    assert '<button type="submit" name="action" value="contact_form" class="secondary">Use their contact forms' in page


def test_the_page_leads_back_to_the_letter(client, campaign, with_forms, letter_data):
    page = client.post(FORM_URL, letter_data(action="contact_form")).content.decode()

    assert 'name="action" value="preview"' in page.split('name="action" value="contact_form"')[1]
