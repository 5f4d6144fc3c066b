"""Sending by fax through an email-to-fax gateway: offered only where organisers set one up, confirmed like an
email, the letter's PDF mailed to the gateway's address for the office's fax number, counted as a fax."""

import email.utils
import io

from django.urls import reverse

import pytest
from pypdf import PdfReader

from campaign.couriers import REASON_FAX_CHANNEL_OFF
from campaign.models import ContactChannel, ContactEvent, Letter, LetterChannel, LetterStatus
from campaign.services import letter_send
from embassies.models import Office
from tests.campaign.conftest import confirm_link
from tests.factories import LetterFactory, SubmissionFactory
from tracking.services.delivery import letter_delivery_apply

from .conftest import EMBASSY_FAX

pytestmark = pytest.mark.django_db(transaction=True)

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_without_a_gateway_the_form_offers_no_fax_and_refuses_one(client, campaign, faxable, letter_data):
    page = client.get(f"{FORM_URL}?offices={faxable.pk}").content.decode()
    response = client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy",)))

    assert 'value="fax"' not in page
    assert response.status_code == 200
    assert "Sending by fax is not available in this country." in response.content.decode()
    assert not Letter.objects.exists()


def test_with_a_gateway_the_form_offers_sending_by_fax(client, campaign, faxable, email_gateway):
    page = client.get(FORM_URL).content.decode()

    assert '<button type="submit" name="action" value="fax"' in page
    assert "We fax it for you to the offices that list a fax number" in page


def test_a_gateway_switched_off_takes_the_offer_away(client, campaign, faxable, email_gateway):
    email_gateway.is_active = False
    email_gateway.save()

    assert 'value="fax"' not in client.get(FORM_URL).content.decode()


def test_offices_without_a_fax_number_are_named_and_nothing_is_stored(
    client, campaign, faxable, email_gateway, letter_data
):
    response = client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy", "consulate")))

    assert response.status_code == 200
    assert "These offices list no fax number: Consulate of Ukraine in Brno." in response.content.decode()
    assert not Letter.objects.exists()


def test_a_fax_asks_for_the_supporters_address_like_an_email(client, campaign, faxable, email_gateway, letter_data):
    response = client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy",), email=""))

    assert response.status_code == 200
    assert not Letter.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_confirmed_fax_is_mailed_as_a_pdf_to_the_gateway_and_counted_as_a_fax(
    client, campaign, faxable, email_gateway, letter_data, outbox
):
    response = client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy",)))
    assert response.status_code == 302, response.content.decode()[:2000]
    confirmation = outbox[-1]
    assert "Embassy of Ukraine in Czechia, Praha (by fax to +420 233 342 001)" in confirmation.body

    client.post(confirm_link(confirmation).replace("http://127.0.0.1:8000", ""))

    letter = Letter.objects.get()
    assert (letter.channel, letter.status) == (LetterChannel.FAX, LetterStatus.SENT)
    fax = outbox[-1]
    assert fax.to == [f"{EMBASSY_FAX}@sinchfax.com"]
    assert email.utils.parseaddr(fax.from_email) == ("Jana Nováková", "fax@campaign.test")
    assert fax.subject == "A protest against Law No. 13673"
    [(filename, content, content_type)] = fax.attachments
    assert (filename.endswith(".pdf"), content_type) == (True, "application/pdf")
    text = pdf_text(content)
    assert "Dear Ambassador" in text and "Jana Nováková" in text and "My neighbour fled the draft" in text
    assert faxable.email not in {address for message in outbox for address in message.to}
    counted = set(ContactEvent.objects.values_list("channel", flat=True))
    assert counted == {ContactChannel.FAX}


def test_digits_only_gateways_get_the_number_without_its_plus(campaign, faxable, email_gateway, outbox):
    email_gateway.address_template = "{digits}@efaxsend.com"
    email_gateway.save()
    letter = LetterFactory(
        office=faxable, campaign=campaign, submission__campaign=campaign, channel=LetterChannel.FAX,
        status=LetterStatus.QUEUED, sent_at=None,
    )  # fmt: skip

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT
    assert outbox[-1].to == ["420233342001@efaxsend.com"]


def test_one_supporter_may_email_and_fax_the_same_office_but_not_fax_it_twice(
    client, campaign, faxable, email_gateway, letter_data, outbox
):
    for action in ("email", "fax"):
        client.post(FORM_URL, letter_data(action=action, office_keys=("embassy",)))
        client.post(confirm_link(outbox[-1]).replace("http://127.0.0.1:8000", ""))

    again = client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy",)))

    assert sorted(Letter.objects.values_list("channel", "status")) == [
        (LetterChannel.EMAIL, LetterStatus.SENT),
        (LetterChannel.FAX, LetterStatus.SENT),
    ]
    assert "You have already sent this letter to: Embassy of Ukraine in Czechia." in again.content.decode()


def test_the_status_page_says_which_letters_went_by_fax(client, campaign, faxable, email_gateway, letter_data, outbox):
    client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy",)))
    page = client.post(confirm_link(outbox[-1]).replace("http://127.0.0.1:8000", ""), follow=True)

    assert "by fax" in page.content.decode()


def fax_letter_sent(campaign, office) -> Letter:
    return LetterFactory(
        office=office, campaign=campaign, submission__campaign=campaign, channel=LetterChannel.FAX,
        esp_message_id="esp-fax-1",
    )  # fmt: skip


def test_the_gateway_receiving_the_email_is_not_the_fax_arriving(campaign, faxable):
    letter = fax_letter_sent(campaign, faxable)

    changed = letter_delivery_apply(
        event_type="delivered", message_id="esp-fax-1", event_id="d1", recipient=f"{EMBASSY_FAX}@sinchfax.com"
    )

    letter.refresh_from_db()
    assert (changed, letter.status) == (False, LetterStatus.SENT)
    assert not ContactEvent.objects.filter(channel=ContactChannel.EMAIL_DELIVERED).exists()


def test_a_gateway_bounce_fails_the_letter_visibly_but_never_flags_the_offices_email(campaign, faxable):
    letter = fax_letter_sent(campaign, faxable)

    letter_delivery_apply(
        event_type="bounced", message_id="esp-fax-1", event_id="b1", description="Sender not authorised"
    )

    letter.refresh_from_db()
    faxable.refresh_from_db()
    assert letter.status == LetterStatus.BOUNCED
    assert letter.failure_reason == "The fax gateway refused the letter: Sender not authorised"
    assert faxable.can_receive_email


def test_without_a_fax_courier_a_queued_fax_fails_visibly(settings, campaign, faxable):
    settings.LETTER_FAX_COURIER = ""
    letter = LetterFactory(
        office=faxable, campaign=campaign, submission__campaign=campaign, channel=LetterChannel.FAX,
        status=LetterStatus.QUEUED, sent_at=None,
    )  # fmt: skip

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED
    letter.refresh_from_db()
    assert letter.failure_reason == REASON_FAX_CHANNEL_OFF


def test_an_office_that_lost_its_fax_number_fails_visibly(campaign, faxable, email_gateway, outbox):
    letter = LetterFactory(
        office=faxable, campaign=campaign, submission=SubmissionFactory(campaign=campaign),
        channel=LetterChannel.FAX, status=LetterStatus.QUEUED, sent_at=None,
    )  # fmt: skip
    Office.objects.filter(pk=faxable.pk).update(fax="")

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED
    letter.refresh_from_db()
    assert letter.failure_reason == "The office no longer lists a fax number."
    assert outbox == []


def test_the_office_page_offers_the_campaigns_fax_next_to_faxing_it_yourself(client, campaign, faxable, email_gateway):
    page = client.get(reverse("tracking:office", args=[campaign.slug, faxable.pk])).content.decode()

    assert (
        f'Or let the campaign fax it for you: <a href="{FORM_URL}?offices={faxable.pk}">write your letter</a>' in page
    )
    assert "download it as a PDF</a> and send it to +420 233 342 001." in page


def test_the_progress_page_says_what_the_fax_count_holds(client, campaign):
    page = client.get(reverse("tracking:progress", args=[campaign.slug])).content.decode()

    assert "Faxes the campaign sent through a country's fax gateway" in page


def test_a_busy_network_is_asked_for_the_browser_check_naming_the_fax_button(
    client, settings, campaign, faxable, email_gateway, letter_data
):
    settings.RATE_LIMIT_LETTERS_PER_IP = 1
    settings.POW_DIFFICULTY_BITS = 8
    client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy",), email="first@example.org"))

    response = client.post(FORM_URL, letter_data(action="fax", office_keys=("embassy",), email="second@example.org"))

    assert response.status_code == 429
    assert "wait a few seconds, then press “Send by fax” again." in response.content.decode()
    assert Letter.objects.count() == 1
