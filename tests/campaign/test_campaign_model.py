from django.core.exceptions import ValidationError

import pytest

from tests.factories import CampaignFactory


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["dashboard", "survey"])
def test_a_campaign_cannot_take_the_slug_of_a_fixed_page(slug):
    campaign = CampaignFactory.build(slug=slug)
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.django_db
def test_an_ordinary_slug_is_fine():
    CampaignFactory.build(slug="law-13673").full_clean()
