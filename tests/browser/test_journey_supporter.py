"""A supporter's three ways to send, in Chromium at 390 and 1280 px, with JavaScript on and off: by email (confirmed
through the link in the email), from their own mail app, and as a PDF to print. No page scrolls sideways."""

import email
import email.policy
import io
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus, Submission
from tests.browser.screenshots import Visit

pytestmark = [pytest.mark.browser]

NAME = "Jana Nováková"
PERSONAL = "My neighbour left so as not to kill. He is not a criminal."


@pytest.fixture
def origin(site: str) -> str:
    """localhost, not 127.0.0.1: the proof of work needs crypto.subtle, which only a secure origin has."""
    return site.replace("127.0.0.1", "localhost")


def letter_form_open(visit: Visit, origin: str, *, screenshots: bool = False) -> float:
    """From the campaign list to the Czech letter form. Returns when the form was first shown."""
    page = visit.page
    page.goto(origin + "/")
    visit.look()
    page.get_by_role("link", name="Write a letter").click()
    visit.look("campaign" if screenshots else None)
    page.get_by_label("Which country do you live in?").select_option("CZ")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(origin + "/en/c/law-13673/cz/")
    return time.monotonic()


def letter_fill(page: Page, *, address: str = "") -> None:
    assert page.get_by_label("Embassy of Ukraine in the Czech Republic").is_checked()
    assert page.get_by_label("Consulate General of Ukraine in Brno").is_checked()
    assert not page.get_by_label("Honorary Consulate of Ukraine in Ostrava").is_checked()
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Your city").fill("Brno")
    if address:
        page.get_by_label("Your email").fill(address)
    page.get_by_label("A few words of your own").fill(PERSONAL)


def fill_time_pass(shown_at: float) -> None:
    """FORM_MIN_FILL_SECONDS (1 in tests) counts from when the form was first shown; a preview keeps that time."""
    time.sleep(max(0.0, shown_at + 1.1 - time.monotonic()))


def confirmation_link(mailbox: Path) -> str:
    """The link in the confirmation email, as the dev mailbox stored it: the supporter reads it in their mail app."""
    (path,) = mailbox.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "jana@example.org"
    return re.search(r"https?://\S+/confirm/\S+", message.get_body(preferencelist=("plain",)).get_content()).group(0)


def test_supporter_sends_by_email_confirms_and_sees_the_letters_sent(visit, origin, settings):
    if visit.javascript:
        settings.POW_ENABLED = True  # with JavaScript, the self-hosted proof of work runs as in production
        settings.POW_DIFFICULTY_BITS = 8
    page = visit.page
    shown_at = letter_form_open(visit, origin, screenshots=True)
    letter_fill(page, address="jana@example.org")
    visit.look("letter-form")

    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: what each office receives")).to_be_visible()
    expect(page.get_by_text("Dear Consul General,")).to_be_visible()
    expect(page.get_by_text(PERSONAL).first).to_be_visible()
    assert page.get_by_label("Your name").input_value() == NAME
    visit.look("letter-preview")
    if visit.javascript:
        expect(page.locator("input[name=pow_solution]")).not_to_have_value("", timeout=20000)
    fill_time_pass(shown_at)

    page.get_by_role("button", name="Send by email").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    visit.look("check-inbox")
    assert list(Letter.objects.values_list("status", flat=True)) == [LetterStatus.PENDING] * 2

    page.goto(confirmation_link(settings.DEV_MAILBOX_DIR))
    visit.look()
    page.get_by_role("button", name="Confirm and send my letters").click()

    expect(page.get_by_role("heading", name="Your letters")).to_be_visible()
    expect(page.get_by_role("row", name="Embassy of Ukraine in the Czech Republic")).to_contain_text("Sent")
    expect(page.get_by_role("row", name="Consulate General of Ukraine in Brno")).to_contain_text("Sent")
    visit.look("status")
    assert sorted(Letter.objects.values_list("office__email", "status")) == [
        ("emb_cz@mfa.example", LetterStatus.SENT),
        ("gc_cz@mfa.example", LetterStatus.SENT),
    ]


def test_supporter_opens_each_letter_in_their_mail_app_and_marks_one_sent(visit, origin, campaign_sample):
    page = visit.page
    shown_at = letter_form_open(visit, origin)
    letter_fill(page)
    fill_time_pass(shown_at)

    page.get_by_role("button", name="Open in my mail app").click()
    expect(page.get_by_role("heading", name="Send from your own mail app")).to_be_visible()
    links = page.get_by_role("link", name="Open in my mail app")
    assert links.count() == 2  # the honorary consulate has no email address
    hrefs = sorted(links.nth(index).get_attribute("href") for index in range(2))
    assert hrefs[0].startswith("mailto:emb_cz@mfa.example?") and hrefs[1].startswith("mailto:gc_cz@mfa.example?")
    assert "Jana%20Nov" in hrefs[0] and "Brno" in hrefs[0]
    visit.look("mailto")

    embassy = page.get_by_role("article").filter(has_text="Embassy of Ukraine in the Czech Republic")
    embassy.get_by_role("button", name="I sent it").click()

    expect(page.get_by_role("status")).to_contain_text("is counted")
    embassy = page.get_by_role("article").filter(has_text="Embassy of Ukraine in the Czech Republic")
    expect(embassy.get_by_text("Counted")).to_be_visible()
    expect(embassy.get_by_role("button", name="I sent it")).to_have_count(0)
    consulate = page.get_by_role("article").filter(has_text="Consulate General of Ukraine in Brno")
    expect(consulate.get_by_role("button", name="I sent it")).to_be_visible()
    visit.look()
    counted = ContactEvent.objects.filter(campaign=campaign_sample, channel=ContactChannel.MAILTO)
    assert list(counted.values_list("office__email", "quantity")) == [("emb_cz@mfa.example", 1)]


def test_supporter_downloads_the_letters_as_a_pdf_to_print(visit, origin):
    page = visit.page
    shown_at = letter_form_open(visit, origin)
    letter_fill(page)
    page.get_by_label("Honorary Consulate of Ukraine in Ostrava").check()  # paper reaches it; email does not
    fill_time_pass(shown_at)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF to print").click()

    assert download.value.suggested_filename.endswith(".pdf")
    data = download.value.path().read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(data)).pages)
    assert NAME in text and "Dear Consul General" in text and "Honorary" in text
    visit.look()  # the form stays as it was
    assert not Submission.objects.exists()  # nothing about the supporter is stored
