"""A supporter sends by fax through Czechia's email-to-fax gateway, in Chromium at 390 and 1280 px, with JavaScript
on and off: the form offers it, an office without a fax is named, the address is confirmed, and the letter's PDF
leaves for the gateway."""

import email
import email.policy
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from campaign.models import ContactChannel, ContactEvent, Letter, LetterChannel, LetterStatus
from embassies.models import Office
from faxing.models import FaxGateway, GatewayKind
from tests.browser.test_journey_supporter import NAME, confirmation_link, fill_time_pass, letter_fill, letter_form_open

pytestmark = [pytest.mark.browser]

EMBASSY = "Embassy of Ukraine in the Czech Republic"
CONSULATE = "Consulate General of Ukraine in Brno"


@pytest.fixture
def origin(site: str) -> str:
    Office.objects.filter(name=EMBASSY).update(fax="+420233342001")
    FaxGateway.objects.create(host_country="CZ", kind=GatewayKind.EMAIL, address_template="{number}@sinchfax.com")
    return site.replace("127.0.0.1", "localhost")


def test_supporter_sends_by_fax_confirms_and_the_pdf_leaves_for_the_gateway(visit, origin, settings):
    page = visit.page
    shown_at = letter_form_open(visit, origin)
    letter_fill(page, address="jana@example.org")
    fill_time_pass(shown_at)

    page.get_by_role("button", name="Send by fax").click()
    expect(page.get_by_text(f"These offices list no fax number: {CONSULATE}.")).to_be_visible()
    page.get_by_label(CONSULATE).uncheck()
    page.get_by_role("button", name="Send by fax").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    page.goto(confirmation_link(settings.DEV_MAILBOX_DIR))
    page.get_by_role("button", name="Confirm and send my letters").click()

    row = page.get_by_role("row", name=EMBASSY)
    expect(row).to_contain_text("by fax")
    expect(row).to_contain_text("Sent")
    visit.look()
    letter = Letter.objects.get()
    assert (letter.channel, letter.status) == (LetterChannel.FAX, LetterStatus.SENT)
    [fax] = [
        message
        for message in (
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in settings.DEV_MAILBOX_DIR.glob("*.eml")
        )
        if message["To"] == "+420233342001@sinchfax.com"
    ]
    [attachment] = list(fax.iter_attachments())
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert NAME in text
    assert list(ContactEvent.objects.values_list("channel", flat=True)) == [ContactChannel.FAX]
