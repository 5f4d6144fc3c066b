"""The supporter pages lead to each other: campaign → progress → country → office; letter form → PDF on
the paper of choice."""

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


def test_progress_page_leads_to_each_country_and_the_country_page_to_its_offices_and_back(client):
    campaign = CampaignFactory()
    office = VerifiedOfficeFactory(host_country="PL")
    progress_url = reverse("tracking:progress", kwargs={"slug": campaign.slug})
    country_url = reverse("tracking:progress_country", kwargs={"slug": campaign.slug, "cc": "pl"})

    progress = client.get(progress_url).content.decode()
    country = client.get(country_url).content.decode()

    assert f'href="{country_url}"' in progress
    assert reverse("tracking:office", kwargs={"slug": campaign.slug, "office_id": office.pk}) in country
    assert f'href="{progress_url}"' in country
