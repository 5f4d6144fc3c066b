"""After supporters wrote, posted and called, the campaign's progress page shows the totals and each country; a
country's page lists its offices a page at a time. Chromium at 390 and 1280 px, with JavaScript on and off."""

import pytest
from playwright.sync_api import expect

from campaign.models import ContactChannel
from campaign.services import contact_record
from embassies.models import Office
from tests.factories import VerifiedOfficeFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def contacts(site, campaign_sample):
    """Praha emailed four times, Brno once from a mail app and called once, the Slovak embassy sent two posted
    letters; nobody has written to Ostrava yet."""
    slovakia = VerifiedOfficeFactory(name="Embassy of Ukraine in Slovakia", host_country="SK", city="Bratislava")
    for city, channel, quantity in [
        ("Praha", ContactChannel.EMAIL_SENT, 4),
        ("Brno", ContactChannel.MAILTO, 1),
        ("Brno", ContactChannel.CALL, 1),
    ]:
        office = Office.objects.get(host_country="CZ", city=city)
        contact_record(campaign=campaign_sample, office=office, channel=channel, quantity=quantity)
    contact_record(campaign=campaign_sample, office=slovakia, channel=ContactChannel.POST, quantity=2)


def test_progress_shows_totals_countries_and_pages_of_offices(visit, site, contacts, monkeypatch):
    monkeypatch.setattr("tracking.views.public.OFFICES_PER_PAGE", 2)  # three Czech offices make two pages
    page = visit.page

    page.goto(site + "/en/c/law-13673/")
    page.get_by_role("link", name="See which offices have been contacted").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress")
    totals = page.get_by_role("table", name="Contacts by channel")
    expect(totals.get_by_role("row", name="Email sent")).to_contain_text("4")
    expect(totals.get_by_role("row", name="Letter posted")).to_contain_text("2")
    expect(totals.get_by_role("row", name="Sent from own mail app")).to_contain_text("1")
    expect(page.get_by_text("3 of 4 offices reached.")).to_be_visible()
    expect(
        page.get_by_role("link", name="Nobody has written to the Honorary Consulate of Ukraine in Ostrava")
    ).to_be_visible()
    countries = page.get_by_role("table", name="Where pressure is missing")
    # Offices, reached, not contacted yet.
    assert countries.get_by_role("row", name="Czechia").get_by_role("cell").all_inner_texts() == ["3", "2", "1"]
    assert countries.get_by_role("row", name="Slovakia").get_by_role("cell").all_inner_texts() == ["1", "1", "0"]
    visit.look("progress")

    countries.get_by_role("link", name="Czechia").click()
    expect(page.get_by_role("heading", name="Czechia")).to_be_visible()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    offices = page.get_by_role("table").last.get_by_role("rowheader")
    first_page = offices.all_inner_texts()
    assert len(first_page) == 2
    assert "Honorary Consulate of Ukraine in Ostrava" in first_page[0]  # nobody has written to it: listed first
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)
    visit.look("progress-country")

    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    second_page = offices.all_inner_texts()
    assert len(second_page) == 1
    names = " ".join(first_page + second_page)
    for name in ["Embassy of Ukraine in the Czech Republic", "Consulate General of Ukraine in Brno"]:
        assert name in names
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    visit.look()
    page.get_by_role("link", name="Previous page").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
