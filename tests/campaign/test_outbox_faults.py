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

from campaign.esp import AnymailAdapter, EspLookupError
from campaign.models import Campaign, ContactChannel, ContactEvent, Letter, LetterStatus
from campaign.services.forget import REASON_WITHDRAWN
from campaign.services.outbox import (
    REASON_OFFICE_NOT_EMAILABLE,
    LetterSendTransientError,
    letter_claim,
    letter_fail_after_retries,
    letter_mark_failed,
    letter_mark_sent,
    letter_release,
    letter_retry_later,
    letter_send,
    letters_requeue,
    letters_sweep,
    letters_sweep_due,
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


# --- retries after an outage ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempts", "pause_seconds"),
    [
        (0, 600),
        (6, 600),
        (7, 600),
        (10, 600),
        (14, 1200),
        (20, 1200),
        (21, 2400),
        (28, 4800),
        (35, 9600),
        (42, 10800),
        (70, 10800),
    ],
)
def test_the_pause_before_the_next_round_doubles_up_to_its_cap(settings, attempts, pause_seconds):
    settings.LETTER_SEND_MAX_RETRIES = 6
    settings.LETTER_RETRY_BACKOFF_MAX_SECONDS = 600
    settings.LETTER_RETRY_PAUSE_MAX_SECONDS = 3 * 3600
    letter = queued(attempts=attempts)
    now = timezone.now()

    assert letter_retry_later(letter_id=letter.pk, reason="HTTP 503: " + "busy " * 200, now=now) == LetterStatus.QUEUED

    waiting = reloaded(letter)
    assert waiting.next_attempt_at == now + datetime.timedelta(seconds=pause_seconds)
    assert waiting.status == LetterStatus.QUEUED
    assert waiting.failure_reason == ("HTTP 503: " + "busy " * 200)[:500]


def test_retry_later_pauses_only_the_letter_it_is_given():
    other, letter = queued(attempts=7), queued(attempts=7)

    letter_retry_later(letter_id=letter.pk, reason="HTTP 503")

    assert reloaded(letter).next_attempt_at is not None and reloaded(letter).failure_reason == "HTTP 503"
    assert (reloaded(other).next_attempt_at, reloaded(other).failure_reason) == (None, "")


@pytest.mark.parametrize("status", FINISHED)
def test_retry_later_leaves_a_letter_that_is_no_longer_queued(status):
    letter = in_status(status, attempts=7)

    assert letter_retry_later(letter_id=letter.pk, reason="HTTP 503") is None

    assert (reloaded(letter).status, reloaded(letter).next_attempt_at) == (status, None)


@pytest.mark.parametrize(
    ("began_field", "age", "gives_up"),
    [
        ("first_queued_at", datetime.timedelta(hours=48), True),
        ("first_queued_at", datetime.timedelta(hours=48) - datetime.timedelta(seconds=1), False),
        ("queued_at", datetime.timedelta(hours=49), True),
        ("created_at", datetime.timedelta(hours=49), True),
        ("created_at", datetime.timedelta(hours=47), False),
    ],
)
def test_the_retry_age_cap_counts_from_when_sending_began(settings, began_field, age, gives_up):
    settings.LETTER_RETRY_MAX_AGE_HOURS = 48
    now = timezone.now()
    letter = queued(attempts=7)
    began = {"first_queued_at": None, "queued_at": None, "created_at": now - datetime.timedelta(hours=1)}
    began[began_field] = now - age
    Letter.objects.filter(pk=letter.pk).update(**began)

    status = letter_retry_later(letter_id=letter.pk, reason="HTTP 503: Service Unavailable", now=now)

    letter = reloaded(letter)
    if gives_up:
        assert status == letter.status == LetterStatus.FAILED
        assert (
            letter.failure_reason == "Gave up after 7 attempts in 48 hours. Last error: HTTP 503: Service Unavailable"
        )
    else:
        assert status == letter.status == LetterStatus.QUEUED
        assert letter.next_attempt_at > now


def test_a_letter_that_wore_out_its_task_fails_with_the_count_and_the_last_error():
    letter = in_status(LetterStatus.SENDING, attempts=10, sent_at=None)

    letter_fail_after_retries(letter_id=letter.pk, reason="HTTP 503")
    letter_fail_after_retries(letter_id=letter.pk + 1000, reason="no such letter")  # nothing to do, no error

    assert reloaded(letter).failure_reason == "Gave up after 10 attempts. Last error: HTTP 503"


# --- the sweep -----------------------------------------------------------------------------------------------------


def test_the_sweep_requeues_letters_stuck_in_queued(django_capture_on_commit_callbacks, mailoutbox):
    lost = queued(ago=datetime.timedelta(hours=1))  # the broker lost its task
    recent = queued(ago=datetime.timedelta(minutes=1))
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        assert letters_sweep(**SWEEP) == [lost.pk]

    assert reloaded(lost).status == LetterStatus.SENT
    assert reloaded(lost).queued_at >= before
    assert reloaded(recent).status == LetterStatus.QUEUED
    assert [message.to for message in mailoutbox] == [[lost.office.email]]


def test_the_sweep_requeues_a_letter_stuck_in_queued_even_without_sending_it():
    lost = queued(ago=datetime.timedelta(hours=1))
    before = timezone.now()

    assert letters_sweep(**SWEEP) == [lost.pk]

    assert reloaded(lost).status == LetterStatus.QUEUED
    assert reloaded(lost).queued_at >= before  # not picked again by the next sweep
    assert letters_sweep(**SWEEP) == []


def test_the_sweep_keeps_the_pause_after_an_outage_and_then_sends():
    now = timezone.now()
    paused = queued(ago=datetime.timedelta(hours=1), next_attempt_at=now + datetime.timedelta(minutes=5))
    due = queued(ago=datetime.timedelta(hours=1), next_attempt_at=now - datetime.timedelta(minutes=1))
    for letter in (paused, due):
        Letter.objects.filter(pk=letter.pk).update(failure_reason="HTTP 503", first_queued_at=now)

    assert letters_sweep(**SWEEP) == [due.pk]

    assert reloaded(paused).status == reloaded(due).status == LetterStatus.QUEUED


def test_a_letter_the_broker_lost_long_ago_is_sent_not_failed():
    lost = queued(ago=datetime.timedelta(days=3))
    Letter.objects.filter(pk=lost.pk).update(first_queued_at=timezone.now() - datetime.timedelta(days=3))

    assert letters_sweep(**SWEEP) == [lost.pk]

    assert reloaded(lost).status == LetterStatus.QUEUED


def test_the_sweep_fails_a_paused_letter_past_the_age_cap_and_does_not_requeue_it(settings):
    now = timezone.now()
    letter = queued(ago=datetime.timedelta(hours=1), next_attempt_at=now - datetime.timedelta(minutes=1), attempts=14)
    Letter.objects.filter(pk=letter.pk).update(
        failure_reason="HTTP 503", first_queued_at=now - datetime.timedelta(days=3)
    )

    assert letters_sweep(**SWEEP) == []

    failed = reloaded(letter)
    assert failed.status == LetterStatus.FAILED
    hours = settings.LETTER_RETRY_MAX_AGE_HOURS
    assert failed.failure_reason == f"Gave up after 14 attempts in {hours} hours. Last error: HTTP 503"


def test_the_sweep_requeues_sending_letters_whose_worker_died_and_leaves_live_ones(
    django_capture_on_commit_callbacks, mailoutbox
):
    dead = queued()
    letter_claim(letter_id=dead.pk)
    Letter.objects.filter(pk=dead.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=11))
    live = queued()
    letter_claim(letter_id=live.pk)
    Letter.objects.filter(pk=live.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=9))
    before = timezone.now()

    assert letters_sweep(**SWEEP) == [dead.pk]

    requeued = reloaded(dead)
    assert requeued.status == LetterStatus.QUEUED
    assert requeued.queued_at >= before and requeued.status_changed_at >= before
    assert reloaded(live).status == LetterStatus.SENDING


def test_the_sweep_gives_up_only_at_the_attempt_limit(settings):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    last_chance = in_status(LetterStatus.SENDING, sent_at=None, attempts=settings.LETTER_SEND_MAX_ATTEMPTS - 1)
    worn_out = in_status(LetterStatus.SENDING, sent_at=None, attempts=settings.LETTER_SEND_MAX_ATTEMPTS)
    Letter.objects.filter(pk__in=[last_chance.pk, worn_out.pk]).update(claimed_at=long_ago)

    assert letters_sweep(**SWEEP) == [last_chance.pk]

    assert reloaded(last_chance).status == LetterStatus.QUEUED
    failed = reloaded(worn_out)
    assert failed.status == LetterStatus.FAILED
    assert failed.failure_reason == (
        f"Gave up after {settings.LETTER_SEND_MAX_ATTEMPTS} attempts. Last error: the sending worker stopped each time"
    )


def test_the_sweep_never_fails_a_letter_at_the_attempt_limit_that_a_live_worker_holds_or_that_waits(settings):
    limit = settings.LETTER_SEND_MAX_ATTEMPTS
    live = in_status(LetterStatus.SENDING, sent_at=None, attempts=limit, claimed_at=timezone.now())
    waiting = queued(attempts=limit, claimed_at=timezone.now() - datetime.timedelta(hours=1))  # released, queued

    assert letters_sweep(**SWEEP) == []

    assert (reloaded(live).status, reloaded(waiting).status) == (LetterStatus.SENDING, LetterStatus.QUEUED)


def test_the_age_cap_applies_only_to_letters_waiting_out_an_esp_outage():
    long_ago = timezone.now() - datetime.timedelta(days=3)
    letter = queued(ago=datetime.timedelta(hours=1), next_attempt_at=timezone.now() - datetime.timedelta(minutes=1))
    Letter.objects.filter(pk=letter.pk).update(first_queued_at=long_ago)  # a pause, but no ESP error on record

    assert letters_sweep(**SWEEP) == [letter.pk]

    assert (reloaded(letter).status, reloaded(letter).failure_reason) == (LetterStatus.QUEUED, "")


def test_the_sweep_returns_the_requeued_letters_in_order():
    letters = [queued(ago=datetime.timedelta(hours=1)) for _ in range(3)]
    for letter in letters[:2]:
        letter_claim(letter_id=letter.pk)
    Letter.objects.filter(status=LetterStatus.SENDING).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))

    assert letters_sweep(**SWEEP) == sorted(letter.pk for letter in letters)


def test_the_periodic_sweep_uses_the_configured_thresholds(settings):
    settings.LETTER_SWEEP_QUEUED_AFTER_SECONDS = 120
    settings.LETTER_SWEEP_SENDING_AFTER_SECONDS = 300
    queued(ago=datetime.timedelta(seconds=100))
    lost = queued(ago=datetime.timedelta(seconds=150))
    live = queued()
    dead = queued()
    for letter, claimed_ago in ((live, 250), (dead, 350)):
        letter_claim(letter_id=letter.pk)
        Letter.objects.filter(pk=letter.pk).update(claimed_at=timezone.now() - datetime.timedelta(seconds=claimed_ago))

    assert letters_sweep_due() == 2

    assert reloaded(lost).queued_at > timezone.now() - datetime.timedelta(seconds=10)
    assert (reloaded(live).status, reloaded(dead).status) == (LetterStatus.SENDING, LetterStatus.QUEUED)


# --- an organiser sends failed letters again -----------------------------------------------------------------------


def test_requeueing_starts_a_fresh_round(django_capture_on_commit_callbacks, mailoutbox):
    long_ago = timezone.now() - datetime.timedelta(days=3)
    failed = in_status(
        LetterStatus.FAILED,
        sent_at=None,
        attempts=9,
        failure_reason="Gave up after 9 attempts.",
        queued_at=long_ago,
        first_queued_at=long_ago,
        next_attempt_at=long_ago,
    )
    before = timezone.now()

    assert letters_requeue(letter_ids=[failed.pk]) == ([failed.pk], [])

    fresh = reloaded(failed)
    assert (fresh.status, fresh.attempts, fresh.failure_reason, fresh.next_attempt_at) == (
        LetterStatus.QUEUED,
        0,
        "",
        None,
    )
    assert fresh.queued_at >= before and fresh.first_queued_at >= before and fresh.status_changed_at >= before
    assert mailoutbox == []  # handed to the workers only once the transaction commits


def test_requeued_letters_are_sent_once_the_transaction_commits(django_capture_on_commit_callbacks, mailoutbox):
    failed = in_status(LetterStatus.FAILED, sent_at=None)
    LetterTemplateFactory(campaign=failed.campaign)

    with django_capture_on_commit_callbacks(execute=True):
        letters_requeue(letter_ids=[failed.pk])

    assert reloaded(failed).status == LetterStatus.SENT
    assert [message.to for message in mailoutbox] == [[failed.office.email]]


def test_requeueing_skips_what_must_not_be_sent_again():
    failed = in_status(LetterStatus.FAILED, sent_at=None)
    erased = in_status(LetterStatus.FAILED, sent_at=None, submission__erased_at=timezone.now())
    no_address = in_status(LetterStatus.FAILED, sent_at=None, submission__email="")
    closed = in_status(LetterStatus.FAILED, sent_at=None)
    Campaign.objects.filter(pk=closed.campaign_id).update(is_open=False)
    ended = in_status(LetterStatus.FAILED, sent_at=None)
    Campaign.objects.filter(pk=ended.campaign_id).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    delivered = in_status(LetterStatus.DELIVERED)
    skipped_letters = [delivered, ended, closed, no_address, erased]

    requeued, skipped = letters_requeue(letter_ids=[letter.pk for letter in [*skipped_letters, failed]])

    assert requeued == [failed.pk]
    assert skipped == sorted(letter.pk for letter in skipped_letters)
    assert [reloaded(letter).status for letter in skipped_letters] == [LetterStatus.DELIVERED] + [
        LetterStatus.FAILED
    ] * 4


def test_requeueing_respects_the_duplicate_guard_and_carries_on():
    blocked = in_status(LetterStatus.FAILED, sent_at=None)
    LetterFactory(
        campaign=blocked.campaign, office=blocked.office, sender_hash=blocked.sender_hash, status=LetterStatus.SENT
    )
    free = in_status(LetterStatus.FAILED, sent_at=None)

    assert letters_requeue(letter_ids=[blocked.pk, free.pk]) == ([free.pk], [blocked.pk])

    assert (reloaded(blocked).status, reloaded(free).status) == (LetterStatus.FAILED, LetterStatus.QUEUED)
