"""A live site with the sample campaign and Czech offices, and Chromium pages with and without JavaScript."""

import os
import shutil

from django.core.management import call_command

import pytest
from playwright.sync_api import sync_playwright

from campaign.models import Campaign
from embassies.models import HeadTitle, OfficeKind
from tests.browser.screenshots import Visit
from tests.conftest import CHROMIUM_ARGS
from tests.conftest import _connections_close_outside_transactions as connections_close_outside_transactions
from tests.factories import OfficeFactory, VerifiedOfficeFactory

LOCAL_ORIGINS = ("http://localhost", "http://127.0.0.1")


@pytest.fixture
def site(live_server, settings, tmp_path, transactional_db):
    """The offices take letters in Ukrainian, Czech and English, as the Czech offices of the directory do."""
    settings.EMAIL_BACKEND = "devmailbox.backend.EmailBackend"
    settings.DEV_MAILBOX_DIR = tmp_path / "mailbox"
    settings.SITE_URL = live_server.url
    settings.FORM_MIN_FILL_SECONDS = 1
    call_command("load_sample_campaign")
    VerifiedOfficeFactory(
        name="Embassy of Ukraine in the Czech Republic", city="Praha", email="emb_cz@mfa.example", languages="uk,en,cs"
    )
    VerifiedOfficeFactory(
        name="Consulate General of Ukraine in Brno",
        city="Brno",
        kind=OfficeKind.CONSULATE_GENERAL,
        head_title=HeadTitle.CONSUL_GENERAL,
        email="gc_cz@mfa.example",
        languages="uk,en,cs",
    )
    OfficeFactory(
        name="Honorary Consulate of Ukraine in Ostrava",
        city="Ostrava",
        kind=OfficeKind.HONORARY_CONSULATE,
        head_title=HeadTitle.HONORARY_CONSUL,
        email="",
    )
    return live_server.url


@pytest.fixture
def page_with_javascript(browser_context):
    return browser_context(locale="en-GB").new_page()


# The journeys (test_journey_*.py): every journey at a phone's and a laptop's width, with JavaScript on and off.
JOURNEY_VIEWPORTS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def journey_chromium():
    """One Chromium for a whole journey module: launching one per test would cost more than the journeys.

    Playwright's sync API keeps an event loop running in this thread while Chromium is open, so Django would take
    every ORM call of the module's tests and fixtures for async code: allow them for as long as Chromium runs.
    """
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make test` (scripts/system-packages.sh test)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(
    params=[(390, True), (390, False), (1280, True), (1280, False)],
    ids=["390-js", "390-nojs", "1280-js", "1280-nojs"],
)
def visit(request, journey_chromium):
    """A fresh Chromium context at one width, with JavaScript on or off, as a `Visit` (tests/browser/screenshots.py).

    Like `browser_context`, it fails the test if a page asked anything of another server or broke the
    Content-Security-Policy."""
    width, javascript = request.param
    context = journey_chromium.new_context(
        viewport=JOURNEY_VIEWPORTS[width], java_script_enabled=javascript, locale="en-GB", accept_downloads=True
    )
    requests_elsewhere = []
    visit = Visit(page=context.new_page(), width=width, javascript=javascript)
    context.on(
        "request",
        lambda sent: None if sent.url.startswith(LOCAL_ORIGINS) else requests_elsewhere.append(sent.url),
    )
    context.on(
        "console",
        lambda message: (
            visit.csp_report(url=message.location.get("url", ""), text=message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    context.set_default_timeout(10000)  # every page answers in well under a second; fail fast when one does not
    yield visit
    context.close()
    connections_close_outside_transactions()
    assert requests_elsewhere == []
    assert visit.csp_violations == []


@pytest.fixture
def campaign_sample(site):
    """The sample campaign `site` loaded."""
    return Campaign.objects.get(slug="law-13673")
