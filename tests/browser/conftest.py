"""A live site with the sample campaign and Czech offices, and Chromium pages with and without JavaScript."""

from django.core.management import call_command

import pytest

from embassies.models import HeadTitle, OfficeKind
from tests.factories import OfficeFactory, VerifiedOfficeFactory


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
