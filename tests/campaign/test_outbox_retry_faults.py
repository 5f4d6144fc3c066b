"""Faults planted in the outbox's retries, sweep and requeue (campaign.services.outbox), each caught here.

An ESP outage is waited out with growing pauses up to an age cap, the sweep picks up what the broker or a worker
lost, and an organiser's requeue starts a fresh round without sending anything twice. Shared doubles and builders
live in test_outbox_faults.py.
"""

import datetime

from django.utils import timezone

import pytest

from campaign.models import Campaign, Letter, LetterStatus
from campaign.services.outbox import (
    letter_claim,
    letter_fail_after_retries,
    letter_retry_later,
    letters_requeue,
    letters_sweep,
    letters_sweep_due,
)
from tests.factories import LetterFactory, LetterTemplateFactory

from .test_outbox_faults import FINISHED, SWEEP, in_status, queued, reloaded

pytestmark = pytest.mark.django_db


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
