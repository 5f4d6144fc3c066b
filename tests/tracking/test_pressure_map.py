"""The progress page shows at a glance where pressure is missing: each country's share of offices reached."""

import re

from django.urls import reverse

import pytest

from campaign.models import ContactChannel
from campaign.services import contact_record

pytestmark = pytest.mark.django_db


def test_each_country_has_a_bar_of_its_offices_reached_and_the_least_reached_come_first(
    client, campaign, tracked_offices
):
    contact_record(campaign=campaign, office=tracked_offices["warsaw"], channel=ContactChannel.EMAIL_SENT)
    contact_record(campaign=campaign, office=tracked_offices["prague"], channel=ContactChannel.PDF)  # intent only

    page = client.get(reverse("tracking:progress", kwargs={"slug": campaign.slug})).content.decode()

    table = page[page.index("Where pressure is missing") :]
    czechia, poland = table.index(">Czechia<"), table.index(">Poland<")
    assert czechia < poland  # Czechia: two offices nobody has contacted; Poland: none
    bars = re.findall(r'<title id="chart-\d+-title">(\d+ of \d+ offices? reached)</title>', table)
    assert bars[:2] == ["0 of 2 offices reached", "1 of 1 office reached"]
