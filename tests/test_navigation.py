"""The supporter pages lead to each other: campaign → progress, letter form → PDF on the paper of choice."""

from django.urls import reverse

import pytest

from tests.factories import CampaignFactory, LetterTemplateFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db


def test_campaign_page_links_to_its_progress_page(client):
    campaign = CampaignFactory()
    page = client.get(reverse("campaign:campaign_detail", kwargs={"slug": campaign.slug})).content.decode()
    assert reverse("tracking:progress", kwargs={"slug": campaign.slug}) in page


def test_letter_form_offers_a4_and_us_letter_for_the_pdf(client):
    template = LetterTemplateFactory()
    VerifiedOfficeFactory(host_country="CZ")
    url = reverse("campaign:letter_form", kwargs={"slug": template.campaign.slug, "cc": "cz"})
    page = client.get(url).content.decode()
    assert 'name="paper"' in page
    assert '<option value="letter">' in page
    assert reverse("printing:supporter_pdf", kwargs={"slug": template.campaign.slug, "cc": "cz"}) in page
