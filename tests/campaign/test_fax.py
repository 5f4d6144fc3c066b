"""Faxing without a gateway: wherever a fax number is shown, how to fax the letter, with the international number."""

from django.urls import reverse

import pytest

from campaign.models import Campaign
from embassies.models import Office

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])


@pytest.fixture
def faxable(offices):
    Office.objects.filter(pk=offices["embassy"].pk).update(fax="+420233342001")
    offices["embassy"].refresh_from_db()
    return offices["embassy"]


def test_the_letter_form_says_how_to_fax_a_chosen_office(client, campaign, offices, faxable):
    page = client.get(f"{FORM_URL}?offices={faxable.pk},{offices['consulate'].pk}").content.decode()

    assert faxable.fax_international == "+420 233 342 001"
    assert (
        "To fax your letter to Embassy of Ukraine in Czechia: download it as a PDF and send it to +420 233 342 001."
        in page
    )
    assert reverse("tracking:office", args=[campaign.slug, faxable.pk]) in page  # where "I sent a fax" is counted
    assert page.count("To fax your letter") == 1  # the consulate lists no fax


def test_the_letter_form_says_nothing_of_faxes_for_offices_not_chosen(client, campaign, offices, faxable):
    page = client.get(f"{FORM_URL}?offices={offices['consulate'].pk}").content.decode()

    assert "To fax your letter" not in page


def test_the_office_page_says_how_to_fax_next_to_i_sent_a_fax(client, campaign, faxable):
    page = client.get(reverse("tracking:office", args=[campaign.slug, faxable.pk])).content.decode()

    assert "download it as a PDF</a> and send it to +420 233 342 001." in page
    assert f'href="{FORM_URL}?offices={faxable.pk}"' in page
    assert 'name="channel" value="fax"' in page


def test_a_closed_campaign_still_gives_the_number_without_the_letter_link(client, campaign, faxable):
    Campaign.objects.filter(pk=campaign.pk).update(is_open=False)

    page = client.get(reverse("tracking:office", args=[campaign.slug, faxable.pk])).content.decode()

    assert "To fax your letter: download it as a PDF and send it to +420 233 342 001." in page
    assert FORM_URL not in page
