"""Sending by fax through Sinch's Fax API, against a local server that answers like it (fake_sinch.py): the upload
from the letter form, the faults on the way, and gateways or fax numbers gone after confirmation."""

import io
import time

from django.urls import reverse
from django.utils import timezone

import pytest
from pypdf import PdfReader

import faxing.sinch
from campaign.models import ContactChannel, ContactEvent, Letter, LetterChannel, LetterStatus
from campaign.services import letter_send
from campaign.services.outbox import LetterSendTransientError
from campaign.tasks import letter_send_task
from embassies.models import Office
from faxing.courier import REASON_NO_FAX_NUMBER, REASON_NO_GATEWAY
from faxing.models import FaxGateway
from faxing.tokens import fax_callback_url
from tests.campaign.conftest import confirm_link

from .conftest import EMBASSY_FAX
from .fake_sinch import INTERNAL_ERROR, PAYMENT_REQUIRED, completion_callback
from .sinch_letters import fax_of, queued_fax, report, sent_fax, snapshot

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])
CONSULATE_FAX = "+420542211001"


@pytest.fixture
def faxables(offices):
    Office.objects.filter(pk=offices["embassy"].pk).update(fax=EMBASSY_FAX)
    Office.objects.filter(pk=offices["consulate"].pk).update(fax=CONSULATE_FAX)
    for office in offices.values():
        office.refresh_from_db()
    return offices


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def submit(client, letter_data, **overrides) -> None:
    response = client.post(FORM_URL, letter_data(action="fax", **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]


def confirm(client, outbox):
    return client.post(confirm_link(outbox[-1]).replace("http://127.0.0.1:8000", ""), follow=True)


# 1. The letter form → confirmation → one fax per office


@pytest.mark.django_db(transaction=True)
def test_confirmed_fax_letters_are_uploaded_to_sinch_one_per_office(
    client, campaign, faxables, sinch, sinch_gateway, letter_data, outbox
):
    submit(client, letter_data)
    page = confirm(client, outbox).content.decode()

    letters = list(Letter.objects.select_related("office"))
    assert len(letters) == 2
    assert {letter.channel for letter in letters} == {LetterChannel.FAX}
    assert {letter.status for letter in letters} == {LetterStatus.SENT}
    assert len(sinch.uploads) == 2
    uploads = {upload["to"]: upload for upload in sinch.uploads}
    assert set(uploads) == {EMBASSY_FAX, CONSULATE_FAX}
    for letter in letters:
        upload = uploads[letter.office.fax]
        assert upload["pdf"].startswith(b"%PDF")
        assert upload["content_type"] == "application/pdf"
        text = pdf_text(upload["pdf"])
        assert "Jana Nováková" in text
        assert letter.office.name in text
        assert upload["callbackUrl"] == fax_callback_url(letter_id=letter.pk)
        assert upload["callbackUrlContentType"] == "application/json"
        assert letter.esp_message_id == fax_of(sinch, letter)["id"]
        assert len(letter.esp_message_id) == 26
    assert ContactEvent.objects.filter(channel=ContactChannel.FAX).count() == 2
    assert not ContactEvent.objects.filter(channel=ContactChannel.EMAIL_SENT).exists()
    office_addresses = {office.email for office in faxables.values()}
    assert not [message for message in outbox if set(message.to) & office_addresses]
    assert page.count('data-status="sent"') == 2
    assert page.count("by fax") == 2


# 3. Faults between the outbox and Sinch


def test_a_503_is_retried_and_the_letter_sent_once(campaign, sinch, sinch_gateway, eager_retries):
    letter = queued_fax(campaign)
    sinch.answer_next(503, "Service Unavailable")

    letter_send_task.apply(args=[letter.pk], throw=False)  # eager: the retry runs at once

    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert letter.attempts == 2
    assert len(sinch.uploads) == 1
    assert letter.esp_message_id == sinch.faxes[0]["id"]
    assert ContactEvent.objects.filter(channel=ContactChannel.FAX).count() == 1


def test_a_500_is_transient_with_sinchs_words(campaign, sinch, sinch_gateway):
    letter = queued_fax(campaign)
    sinch.answer_next(500, INTERNAL_ERROR)

    with pytest.raises(LetterSendTransientError, match="HTTP 500: Most likely a temporary issue"):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert sinch.uploads == []


def test_a_timeout_puts_the_letter_back_in_the_queue_and_the_retry_finds_the_late_fax(
    campaign, sinch, sinch_gateway, settings
):
    settings.FAX_API_TIMEOUT_SECONDS = 0.5
    letter = queued_fax(campaign)
    sinch.delay_next(1.5)

    with pytest.raises(LetterSendTransientError, match="ReadTimeout"):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert letter.failure_reason == ""
    deadline = time.monotonic() + 5
    while not sinch.uploads and time.monotonic() < deadline:
        time.sleep(0.05)  # Sinch took the fax after we stopped waiting
    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT
    letter.refresh_from_db()
    assert letter.esp_message_id == sinch.faxes[0]["id"]
    assert len(sinch.uploads) == 1


def test_an_invalid_number_fails_the_letter_with_sinchs_field_violation(campaign, sinch, sinch_gateway):
    letter = queued_fax(campaign, fax="+15551")

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert "HTTP 422" in letter.failure_reason
    assert "The (+15551) is not a valid phone number" in letter.failure_reason
    assert sinch.uploads == []
    assert not ContactEvent.objects.exists()


def test_wrong_keys_keep_the_letter_queued_with_the_reason(
    campaign,
    sinch,
    sinch_gateway,
    eager_retries,
):
    FaxGateway.objects.filter(pk=sinch_gateway.pk).update(key_secret="an old secret")
    letter = queued_fax(campaign)

    letter_send_task.apply(args=[letter.pk], throw=False)  # eager: every retry runs at once, then the sweep waits

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert letter.failure_reason == "HTTP 401: Unauthorized"
    assert letter.next_attempt_at > timezone.now()
    assert sinch.uploads == []


def test_no_credit_keeps_the_letter_queued_with_sinchs_reason(campaign, sinch, sinch_gateway):
    letter = queued_fax(campaign)
    sinch.answer_next(402, PAYMENT_REQUIRED)

    with pytest.raises(LetterSendTransientError) as raised:
        letter_send(letter_id=letter.pk)

    assert str(raised.value) == ("HTTP 402: You have reached 0 balance on your account please make a payment.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert sinch.uploads == []


def test_a_connection_dropped_after_sinch_took_the_fax_is_not_sent_twice(campaign, sinch, sinch_gateway):
    _, other_fax = sent_fax(campaign, sinch)  # another supporter's fax to the same office, in the same list
    letter = queued_fax(campaign, name="Jana Nováková")
    sinch.drop_next()

    with pytest.raises(LetterSendTransientError, match="did not answer"):
        letter_send(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert len(sinch.uploads) == 2

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    letter.refresh_from_db()
    assert len(sinch.uploads) == 2
    assert letter.esp_message_id == fax_of(sinch, letter)["id"] != other_fax["id"]
    assert [method for method, _ in sinch.requests] == ["POST", "POST", "GET"]
    assert ContactEvent.objects.filter(channel=ContactChannel.FAX).count() == 2


def test_the_lookup_pages_through_an_office_flooded_with_faxes(campaign, sinch, sinch_gateway):
    for _ in range(2500):  # earlier letters of the campaign to the same embassy, listed before ours
        sinch.fax_create(fields={"to": EMBASSY_FAX, "callbackUrl": "https://elsewhere.test/"}, file={"pdf": b""})
    letter = queued_fax(campaign)
    sinch.drop_next()
    with pytest.raises(LetterSendTransientError):
        letter_send(letter_id=letter.pk)

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    letter.refresh_from_db()
    assert letter.esp_message_id == fax_of(sinch, letter)["id"]
    assert len(sinch.uploads) == 2501


def test_a_lookup_that_cannot_see_every_fax_waits_rather_than_send_again(campaign, sinch, sinch_gateway, monkeypatch):
    monkeypatch.setattr(faxing.sinch, "LOOKUP_MAX_PAGES", 2)
    for _ in range(2001):
        sinch.fax_create(fields={"to": EMBASSY_FAX, "callbackUrl": "https://elsewhere.test/"}, file={"pdf": b""})
    letter = queued_fax(campaign)
    sinch.answer_next(503, "Service Unavailable")
    with pytest.raises(LetterSendTransientError):
        letter_send(letter_id=letter.pk)

    with pytest.raises(LetterSendTransientError, match="Too many faxes"):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert len(sinch.uploads) == 2001


def test_a_report_before_the_retry_recorded_the_fax_is_asked_again_and_then_applied(
    client, campaign, sinch, sinch_gateway
):
    letter = queued_fax(campaign)
    sinch.drop_next()
    with pytest.raises(LetterSendTransientError):
        letter_send(letter_id=letter.pk)
    body = completion_callback(sinch.faxes[0], status="FAILURE", error_message="Busy")

    early = report(client, letter, *body)

    assert early.status_code == 409
    assert snapshot(letter)[0] == LetterStatus.QUEUED
    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT
    assert report(client, letter, *body).json() == {"applied": True}
    assert snapshot(letter)[:2] == (LetterStatus.FAILED, "The fax did not go through: Busy")


def test_an_answer_without_a_fax_id_is_transient_and_the_retry_finds_the_fax(campaign, sinch, sinch_gateway):
    letter = queued_fax(campaign)
    sinch.accept_without_id_next()

    with pytest.raises(LetterSendTransientError, match="without a fax id"):
        letter_send(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT
    letter.refresh_from_db()
    assert letter.esp_message_id == sinch.faxes[0]["id"]
    assert len(sinch.uploads) == 1


def test_a_lookup_sinch_cannot_answer_waits_rather_than_risk_a_second_fax(campaign, sinch, sinch_gateway):
    letter = queued_fax(campaign)
    sinch.drop_next()
    with pytest.raises(LetterSendTransientError):
        letter_send(letter_id=letter.pk)
    sinch.answer_next(500, INTERNAL_ERROR)

    with pytest.raises(LetterSendTransientError, match="HTTP 500"):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert len(sinch.uploads) == 1


# 5. Gone after confirmation: the gateway, or the office's fax number


@pytest.mark.django_db(transaction=True)
def test_a_gateway_switched_off_after_confirmation_fails_the_letter_visibly(
    client, campaign, faxables, sinch, sinch_gateway, letter_data, outbox
):
    submit(client, letter_data, office_keys=("embassy",))
    FaxGateway.objects.filter(pk=sinch_gateway.pk).update(is_active=False)

    page = confirm(client, outbox).content.decode()

    letter = Letter.objects.get()
    assert letter.status == LetterStatus.FAILED
    assert letter.failure_reason == REASON_NO_GATEWAY
    assert REASON_NO_GATEWAY in page
    assert sinch.requests == []
    assert not ContactEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_office_whose_fax_number_was_removed_fails_the_letter_visibly(
    client, campaign, faxables, sinch, sinch_gateway, letter_data, outbox
):
    submit(client, letter_data, office_keys=("embassy",))
    Office.objects.filter(pk=faxables["embassy"].pk).update(fax="")

    page = confirm(client, outbox).content.decode()

    letter = Letter.objects.get()
    assert letter.status == LetterStatus.FAILED
    assert letter.failure_reason == REASON_NO_FAX_NUMBER
    assert REASON_NO_FAX_NUMBER in page.replace("&#x27;", "'")
    assert sinch.requests == []
