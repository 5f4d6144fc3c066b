"""Every interface language has a complete catalogue, and letters greet offices in the letter's language."""

from django.conf import settings

import pytest

from campaign.rendering import salutation_for
from embassies.models import HeadTitle, Office
from tests.factories import CampaignFactory

TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_salutations_are_translated(language):
    for title in HeadTitle.values:
        office = Office(head_title=title)
        assert salutation_for(office=office, language=language) != salutation_for(office=office, language="en")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("cs", "Pokračovat"), ("uk", "Продовжити"), ("de", "Weiter")])
def test_campaign_page_speaks_the_visitors_language(client, language, expected):
    campaign = CampaignFactory()
    page = client.get(f"/{language}/c/{campaign.slug}/").content.decode()
    assert expected in page
    assert ">Continue<" not in page
