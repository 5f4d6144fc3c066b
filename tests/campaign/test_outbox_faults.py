"""Faults planted in the outbox (campaign.services.outbox) by hand and by `make mutate`, each caught here.

A letter's status only moves forward: the worker's outcome never overwrites what the ESP or an earlier attempt
recorded, a transient ESP error (503, 429, a lookup that got no answer) puts the letter back in the queue, and the
sweep picks up what the broker or a worker lost. The tests look at what a supporter, an organiser or an office
would see: statuses, reasons, the mail that went out, the contact counts.
"""

import datetime

from django.utils import timezone

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.message import AnymailRecipientStatus

from campaign.couriers import REASON_OFFICE_NOT_EMAILABLE
from campaign.esp import AnymailAdapter, EspLookupError
from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus
from campaign.services.forget import REASON_WITHDRAWN
from campaign.services.outbox import (
    LetterSendTransientError,
    letter_claim,
    letter_mark_failed,
    letter_mark_sent,
    letter_release,
    letter_send,
    letters_sweep,
)
from campaign.tasks import letter_send_task
from embassies.services import office_email_flag
from tests.factories import LetterFactory, LetterTemplateFactory, SubmissionFactory

from .esp_backends import esp_error

pytestmark = pytest.mark.django_db

SWEEP = {"queued_older_than": datetime.timedelta(minutes=15), "sending_older_than": datetime.timedelta(minutes=10)}
FINISHED = [
    LetterStatus.SENT,
    LetterStatus.DELIVERED,
    LetterStatus.BOUNCED,
    LetterStatus.COMPLAINED,
    LetterStatus.REJECTED,
    LetterStatus.FAILED,
]


class TooManyRequestsBackend(AnymailTestBackend):
    """The ESP's rate limit: HTTP 429."""

    def post_to_esp(self, payload, message):
        raise esp_error(429, "Rate limit exceeded")


class RejectingBackend(AnymailTestBackend):
    """A permanent refusal with a long explanation."""

    def post_to_esp(self, payload, message):
        raise esp_error(422, "Invalid 'To' address. " + "Explained at length. " * 40)


class AddressFailedBackend(AnymailTestBackend):
    """Takes the request, then reports the office's address as failed (anymail raises only for rejected ones)."""

    def post_to_esp(self, payload, message):
        status = AnymailRecipientStatus(message_id="esp-failed", status="failed")
        return {"recipient_status": dict.fromkeys(payload.recipient_emails, status)}


class AlreadyAcceptedAdapter(AnymailAdapter):
    """An ESP that says it already took the letter, as message esp-earlier."""

    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        return "esp-earlier"


class NeverTookItAdapter(AnymailAdapter):
    """An ESP that can be asked, and never saw the letter."""

    asked: list[str] = []

    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        NeverTookItAdapter.asked.append(letter_ref)
        return None


class UnreachableLookupAdapter(AnymailAdapter):
    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        raise EspLookupError("the ESP's message search timed out")


def queued(*, ago=datetime.timedelta(0), **fields) -> Letter:
    """A confirmed letter waiting in the queue since `ago`, with the campaign's English letter."""
    letter = LetterFactory(status=LetterStatus.QUEUED, sent_at=None, queued_at=timezone.now() - ago, **fields)
    LetterTemplateFactory(campaign=letter.campaign, language="en", closing="Yours sincerely,")
    return letter


def in_status(status: LetterStatus, **fields) -> Letter:
    return LetterFactory(status=status, **fields)


def reloaded(letter: Letter) -> Letter:
    return Letter.objects.get(pk=letter.pk)


def sent_contacts(letter: Letter) -> int:
    return ContactEvent.objects.filter(
        campaign=letter.campaign, office=letter.office, channel=ContactChannel.EMAIL_SENT
    ).count()


# --- mark_failed / mark_sent never overwrite a newer status -------------------------------------------------------


@pytest.mark.parametrize("status", [LetterStatus.SENT, LetterStatus.DELIVERED, LetterStatus.BOUNCED])
def test_mark_failed_never_overwrites_a_sent_letter(status):
    letter = in_status(status)

    letter_mark_failed(letter=letter, reason="the worker gave up")

    assert (reloaded(letter).status, reloaded(letter).failure_reason) == (status, "")


def test_mark_failed_keeps_the_first_reason_of_a_failed_letter():
    letter = in_status(LetterStatus.FAILED, failure_reason="HTTP 422: Invalid 'To' address", sent_at=None)

    letter_mark_failed(letter=letter, reason="a later, different reason")

    assert reloaded(letter).failure_reason == "HTTP 422: Invalid 'To' address"


@pytest.mark.parametrize("status", [LetterStatus.QUEUED, LetterStatus.SENDING])
def test_mark_failed_fails_a_letter_still_on_its_way_with_the_reason_cut_to_fit(status):
    letter = in_status(status, sent_at=None)
    before = reloaded(letter).status_changed_at

    assert letter_mark_failed(letter=letter, reason="x" * 600) == LetterStatus.FAILED

    failed = reloaded(letter)
    assert (failed.status, failed.failure_reason) == (LetterStatus.FAILED, "x" * 500)
    assert failed.status_changed_at > before


@pytest.mark.parametrize("status", [LetterStatus.FAILED, LetterStatus.QUEUED, LetterStatus.PENDING])
def test_mark_sent_never_overwrites_a_failed_or_queued_letter(status):
    letter = in_status(status, sent_at=None, failure_reason="HTTP 422" if status == LetterStatus.FAILED else "")

    letter_mark_sent(letter=letter, esp_message_id="esp-1")

    unchanged = reloaded(letter)
    assert (unchanged.status, unchanged.esp_message_id, unchanged.sent_at) == (status, "", None)
    assert sent_contacts(letter) == 0


def test_mark_sent_records_the_message_the_time_and_one_contact():
    letter = in_status(LetterStatus.SENDING, sent_at=None, failure_reason="HTTP 503: Service Unavailable")
    before = timezone.now()

    assert letter_mark_sent(letter=letter, esp_message_id="esp-1") == LetterStatus.SENT

    sent = reloaded(letter)
    assert (sent.status, sent.esp_message_id, sent.failure_reason) == (LetterStatus.SENT, "esp-1", "")
    assert before <= sent.sent_at <= timezone.now()
    assert sent.status_changed_at >= before
    assert sent_contacts(letter) == 1


@pytest.mark.parametrize(
    "reported", [LetterStatus.DELIVERED, LetterStatus.BOUNCED, LetterStatus.COMPLAINED, LetterStatus.REJECTED]
)
def test_a_delivery_report_that_overtook_the_worker_keeps_its_status_and_gains_the_message_id(reported):
    letter = in_status(reported, sent_at=None)
    bystander = in_status(reported, sent_at=None)

    assert letter_mark_sent(letter=letter, esp_message_id="esp-1") == LetterStatus.SENT

    reported_letter = reloaded(letter)
    assert (reported_letter.status, reported_letter.esp_message_id) == (reported, "esp-1")
    assert reported_letter.sent_at is not None
    assert sent_contacts(letter) == 1
    assert (reloaded(bystander).esp_message_id, reloaded(bystander).sent_at) == ("", None)


def test_a_letter_already_recorded_as_sent_is_neither_renamed_nor_counted_twice():
    letter = in_status(LetterStatus.DELIVERED, esp_message_id="esp-first")

    letter_mark_sent(letter=letter, esp_message_id="esp-second")

    assert reloaded(letter).esp_message_id == "esp-first"
    assert sent_contacts(letter) == 0


# --- sending ------------------------------------------------------------------------------------------------------


def test_a_letter_goes_to_the_office_once_with_the_closing_of_its_language(mailoutbox):
    submission = SubmissionFactory(language="de", name="Jana Nováková", body="{salutation},\n\nText.")
    letter = queued(submission=submission)
    LetterTemplateFactory(campaign=letter.campaign, language="de", closing="Mit freundlichen Grüßen")

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    [message] = mailoutbox
    assert message.to == [letter.office.email]
    assert "Mit freundlichen Grüßen\nJana Nováková" in message.body
    assert "Yours sincerely" not in message.body
    sent = reloaded(letter)
    assert (sent.status, sent.attempts) == (LetterStatus.SENT, 1)
    assert sent.esp_message_id == str(message.anymail_status.message_id)
    assert sent_contacts(letter) == 1


def test_a_letter_in_a_language_without_a_template_has_no_closing_line(mailoutbox):
    submission = SubmissionFactory(
        language="de", name="Jana Nováková", city="Brno", body="Text.", personal_paragraph=""
    )
    letter = queued(submission=submission)  # the campaign has an English letter only

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    [message] = mailoutbox
    lines = message.body.splitlines()
    after_body = lines[lines.index("Text.") + 1 : lines.index("Jana Nováková")]
    assert [line for line in after_body if line.strip()] == []


def test_an_office_address_the_esp_reports_as_failed_fails_the_letter(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.campaign.test_outbox_faults.AddressFailedBackend"
    letter = queued()

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    failed = reloaded(letter)
    assert (failed.status, failed.failure_reason) == (LetterStatus.FAILED, "The ESP refused the address (failed).")
    assert sent_contacts(letter) == 0


@pytest.mark.parametrize("status", [LetterStatus.SENDING, *FINISHED])
def test_a_letter_another_worker_has_or_that_is_done_is_left_alone(status, mailoutbox):
    letter = in_status(status, attempts=1)

    assert letter_send(letter_id=letter.pk) is None

    assert (reloaded(letter).status, reloaded(letter).attempts) == (status, 1)
    assert mailoutbox == []


def test_claiming_counts_the_attempt_and_notes_when():
    letter = queued(attempts=2)
    before = timezone.now()

    assert letter_claim(letter_id=letter.pk) is True

    claimed = reloaded(letter)
    assert (claimed.status, claimed.attempts) == (LetterStatus.SENDING, 3)
    assert before <= claimed.claimed_at <= timezone.now()
    assert claimed.status_changed_at >= before
    assert letter_claim(letter_id=letter.pk) is False
    assert reloaded(letter).attempts == 3


def test_releasing_puts_only_this_sending_letter_back_in_the_queue():
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    letter, other_worker = queued(), queued()
    for sending in (letter, other_worker):
        letter_claim(letter_id=sending.pk)
    Letter.objects.update(queued_at=long_ago, status_changed_at=long_ago)
    before = timezone.now()

    letter_release(letter=letter)

    released = reloaded(letter)
    assert released.status == LetterStatus.QUEUED
    assert released.queued_at >= before and released.status_changed_at >= before
    assert reloaded(other_worker).status == LetterStatus.SENDING


@pytest.mark.parametrize("status", FINISHED)
def test_releasing_a_letter_that_is_no_longer_sending_changes_nothing(status):
    letter = in_status(status)

    letter_release(letter=Letter.objects.get(pk=letter.pk))

    assert reloaded(letter).status == status


def test_a_withdrawn_letter_is_never_sent(mailoutbox):
    letter = queued(submission=SubmissionFactory(erased_at=timezone.now()))

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    assert reloaded(letter).failure_reason == REASON_WITHDRAWN
    assert mailoutbox == []


def test_a_letter_to_an_office_flagged_meanwhile_fails_with_the_reason(mailoutbox):
    letter = queued()
    office_email_flag(office=letter.office, reason="bounced")

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    assert reloaded(letter).failure_reason == REASON_OFFICE_NOT_EMAILABLE
    assert mailoutbox == []


def test_an_esp_refusal_fails_the_letter_with_the_esp_reason(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.campaign.test_outbox_faults.RejectingBackend"
    letter = queued()

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    failed = reloaded(letter)
    assert failed.status == LetterStatus.FAILED
    assert failed.failure_reason.startswith("HTTP 422: Invalid 'To' address.")
    assert len(failed.failure_reason) == 500
    assert sent_contacts(letter) == 0


def test_an_esp_429_is_retried_later_not_treated_as_permanent(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.campaign.test_outbox_faults.TooManyRequestsBackend"
    letter = queued(ago=datetime.timedelta(hours=1))

    with pytest.raises(LetterSendTransientError, match="429"):
        letter_send(letter_id=letter.pk)

    back = reloaded(letter)
    assert (back.status, back.failure_reason) == (LetterStatus.QUEUED, "")
    assert back.queued_at > timezone.now() - datetime.timedelta(minutes=1)  # the sweep does not take it at once
    assert letters_sweep(**SWEEP) == []
    assert mailoutbox == []


def test_an_esp_429_outlasting_the_tasks_retries_waits_for_the_sweep(settings, eager_retries, mailoutbox):
    settings.EMAIL_BACKEND = "tests.campaign.test_outbox_faults.TooManyRequestsBackend"
    letter = queued()

    letter_send_task.apply(args=[letter.pk], throw=False)  # eager: the retries run at once

    waiting = reloaded(letter)
    assert waiting.status == LetterStatus.QUEUED
    assert "429" in waiting.failure_reason
    assert waiting.next_attempt_at > timezone.now()


def test_a_failed_esp_lookup_never_leads_to_a_blind_resend(settings, mailoutbox):
    settings.LETTER_ESP_ADAPTER = "tests.campaign.test_outbox_faults.UnreachableLookupAdapter"
    letter = queued(attempts=1, ago=datetime.timedelta(hours=1))  # an earlier attempt may have reached the ESP

    with pytest.raises(LetterSendTransientError, match="timed out"):
        letter_send(letter_id=letter.pk)

    back = reloaded(letter)
    assert back.status == LetterStatus.QUEUED
    assert back.queued_at > timezone.now() - datetime.timedelta(minutes=1)
    assert mailoutbox == []


def test_a_letter_the_esp_already_took_is_marked_sent_not_sent_again(settings, mailoutbox):
    settings.LETTER_ESP_ADAPTER = "tests.campaign.test_outbox_faults.AlreadyAcceptedAdapter"
    letter = queued(attempts=1)

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    assert (reloaded(letter).status, reloaded(letter).esp_message_id) == (LetterStatus.SENT, "esp-earlier")
    assert mailoutbox == []
    assert sent_contacts(letter) == 1


def test_a_retried_letter_the_esp_never_took_is_sent(settings, mailoutbox):
    settings.LETTER_ESP_ADAPTER = "tests.campaign.test_outbox_faults.NeverTookItAdapter"
    NeverTookItAdapter.asked = []
    letter = queued(attempts=1)

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    assert NeverTookItAdapter.asked == [letter.reply_token]
    assert len(mailoutbox) == 1


def test_a_first_attempt_is_sent_without_asking_the_esp(settings, mailoutbox):
    settings.LETTER_ESP_ADAPTER = "tests.campaign.test_outbox_faults.AlreadyAcceptedAdapter"
    letter = queued(attempts=0)

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    assert reloaded(letter).esp_message_id != "esp-earlier"
    assert len(mailoutbox) == 1
