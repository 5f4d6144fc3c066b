"""A real Chromium with JavaScript off: the progress pages draw their charts and "I called" works."""

import pytest

from campaign.models import ContactChannel, ContactEvent
from campaign.services import contact_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_page_and_call_button_work_without_javascript(page, live_server, campaign, tracked_offices):
    contact_record(campaign=campaign, office=tracked_offices["prague"], channel=ContactChannel.EMAIL_SENT, quantity=4)

    page.goto(f"{live_server.url}/progress/{campaign.slug}/")
    page.get_by_role("link", name="Czechia").first.click()
    assert page.locator("svg.bar-chart").count() == 1
    assert page.locator("svg.bar-chart").first.bounding_box()["width"] > 100
    assert page.locator("svg.progress-bar").count() == 2

    page.go_back()
    assert page.get_by_text("Nobody has written to the Consulate General of Ukraine in Brno yet.").is_visible()

    page.get_by_role("link", name="Nobody has written to the Consulate General of Ukraine in Brno yet.").click()
    page.get_by_role("button", name="I called").click()

    assert page.get_by_text("Your call has been counted.").is_visible()
    assert ContactEvent.objects.filter(office=tracked_offices["brno"], channel=ContactChannel.CALL).count() == 1
