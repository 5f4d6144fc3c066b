"""A real Chromium with JavaScript off: the progress page draws its charts and "I called" works."""

import os

import pytest

from campaign.models import ContactChannel, ContactEvent
from campaign.services import contact_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page():
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False)
        requests_elsewhere = []
        context.on(
            "request",
            lambda request: (
                requests_elsewhere.append(request.url) if not request.url.startswith("http://localhost") else None
            ),
        )
        yield context.new_page()
        context.close()
        browser.close()
        assert requests_elsewhere == []  # no CDN, fonts or trackers


def test_progress_page_and_call_button_work_without_javascript(page, live_server, campaign, offices):
    contact_record(campaign=campaign, office=offices["prague"], channel=ContactChannel.EMAIL_SENT, quantity=4)

    page.goto(f"{live_server.url}/progress/{campaign.slug}/")
    assert page.locator("svg.bar-chart").count() == 2
    assert page.locator("svg.bar-chart").first.bounding_box()["width"] > 100
    assert page.get_by_text("Nobody has written to the Consulate General of Ukraine in Brno yet.").is_visible()

    page.get_by_role("link", name="Nobody has written to the Consulate General of Ukraine in Brno yet.").click()
    page.get_by_role("button", name="I called").click()

    assert page.get_by_text("Your call has been counted.").is_visible()
    assert ContactEvent.objects.filter(office=offices["brno"], channel=ContactChannel.CALL).count() == 1
