"""The outbox: atomic claim, retries on transient ESP errors, permanent failures, the sweep."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus
from campaign.services import letter_claim, letter_send, letters_requeue, letters_sweep
from campaign.tasks import letter_send_task
from embassies.services import office_email_flag
from tests.factories import (
    CampaignFactory,
    LetterFactory,
    LetterTemplateFactory,
    SubmissionFactory,
    VerifiedOfficeFactory,
)

from .esp_backends import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_letter(db):
    campaign = CampaignFactory()
    LetterTemplateFactory(campaign=campaign)
    submission = SubmissionFactory(campaign=campaign, sender_hash="h")
    return Letter.objects.create(
        submission=submission,
        campaign=campaign,
        office=VerifiedOfficeFactory(),
        sender_hash="h",
        status=LetterStatus.QUEUED,
        queued_at=timezone.now(),
    )


def test_only_one_claim_wins(queued_letter):
    assert letter_claim(letter_id=queued_letter.pk) is True
    assert letter_claim(letter_id=queued_letter.pk) is False
    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.SENDING
    assert queued_letter.attempts == 1


def test_sending_a_letter_twice_sends_it_once(queued_letter, outbox):
    assert letter_send(letter_id=queued_letter.pk) == LetterStatus.SENT
    assert letter_send(letter_id=queued_letter.pk) is None
    assert len(outbox) == 1
    assert ContactEvent.objects.filter(channel=ContactChannel.EMAIL_SENT).count() == 1


def test_transient_esp_errors_are_retried_then_sent_once(queued_letter, outbox, settings, eager_retries):
    settings.EMAIL_BACKEND = "tests.campaign.esp_backends.FlakyBackend"
    FlakyBackend.failures_left = 2

    letter_send_task.apply(args=[queued_letter.pk], throw=False)  # eager: retries run at once

    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.SENT
    assert queued_letter.attempts == 3
    assert len(outbox) == 1


def _flaky_send(letter_id, failures=100):
    FlakyBackend.failures_left = failures
    try:
        letter_send_task.apply(args=[letter_id], throw=False)  # eager: retries run at once
    finally:
        FlakyBackend.failures_left = 0


def test_an_outage_longer_than_the_tasks_retries_is_left_to_the_sweep_with_a_pause(
    queued_letter, outbox, settings, eager_retries, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.campaign.esp_backends.FlakyBackend"
    _flaky_send(queued_letter.pk)

    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.QUEUED  # not failed: the outage may end
    assert queued_letter.attempts == settings.LETTER_SEND_MAX_RETRIES + 1
    assert "503" in queued_letter.failure_reason
    assert queued_letter.next_attempt_at > timezone.now() + datetime.timedelta(minutes=5)
    assert outbox == []
    sweep = {"queued_older_than": datetime.timedelta(0), "sending_older_than": datetime.timedelta(minutes=10)}
    assert letters_sweep(**sweep) == []  # the pause is respected

    Letter.objects.filter(pk=queued_letter.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert letters_sweep(**sweep) == [queued_letter.pk]  # the outage is over: sent, once
    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.SENT and queued_letter.failure_reason == ""
    assert len(outbox) == 1


def test_each_round_of_the_sweep_waits_longer(queued_letter, settings, eager_retries):
    settings.EMAIL_BACKEND = "tests.campaign.esp_backends.FlakyBackend"
    pauses = []
    for _round in range(3):
        Letter.objects.filter(pk=queued_letter.pk).update(next_attempt_at=None)
        _flaky_send(queued_letter.pk)
        queued_letter.refresh_from_db()
        pauses.append(queued_letter.next_attempt_at - timezone.now())
    assert pauses[0] < pauses[1] < pauses[2] <= datetime.timedelta(seconds=settings.LETTER_RETRY_PAUSE_MAX_SECONDS)


def test_after_the_age_cap_the_letter_fails_visibly_with_the_esp_reason(queued_letter, outbox, settings, eager_retries):
    settings.EMAIL_BACKEND = "tests.campaign.esp_backends.FlakyBackend"
    _flaky_send(queued_letter.pk)
    began = timezone.now() - datetime.timedelta(hours=settings.LETTER_RETRY_MAX_AGE_HOURS, minutes=1)
    Letter.objects.filter(pk=queued_letter.pk).update(first_queued_at=began)

    letters_sweep(queued_older_than=datetime.timedelta(0), sending_older_than=datetime.timedelta(minutes=10))

    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.FAILED
    assert "Gave up" in queued_letter.failure_reason and "48 hours" in queued_letter.failure_reason
    assert "503" in queued_letter.failure_reason
    assert outbox == []


def test_a_letter_already_past_the_cap_fails_when_the_task_gives_up(queued_letter, outbox, settings, eager_retries):
    settings.EMAIL_BACKEND = "tests.campaign.esp_backends.FlakyBackend"
    Letter.objects.filter(pk=queued_letter.pk).update(first_queued_at=timezone.now() - datetime.timedelta(days=3))
    _flaky_send(queued_letter.pk)

    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.FAILED and "503" in queued_letter.failure_reason


def test_permanent_esp_error_fails_with_the_esp_reason(queued_letter, outbox, settings):
    settings.EMAIL_BACKEND = "tests.campaign.esp_backends.RejectingBackend"

    letter_send_task.apply(args=[queued_letter.pk], throw=False)  # eager: retries run at once

    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.FAILED
    assert queued_letter.attempts == 1
    assert "422" in queued_letter.failure_reason
    assert "Invalid 'To' address" in queued_letter.failure_reason


def test_letter_to_an_office_flagged_meanwhile_is_not_sent(queued_letter, outbox):
    office_email_flag(office=queued_letter.office, reason="bounced")

    assert letter_send(letter_id=queued_letter.pk) == LetterStatus.FAILED
    assert outbox == []


def test_sweep_requeues_letters_stuck_in_sending_or_queued(queued_letter, outbox, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    letter_claim(letter_id=queued_letter.pk)  # a worker claimed it, then died
    Letter.objects.filter(pk=queued_letter.pk).update(claimed_at=long_ago)
    fresh = Letter.objects.create(
        submission=queued_letter.submission,
        campaign=queued_letter.campaign,
        office=VerifiedOfficeFactory(),
        sender_hash="h",
        status=LetterStatus.SENDING,
        claimed_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        requeued = letters_sweep(
            queued_older_than=datetime.timedelta(minutes=15), sending_older_than=datetime.timedelta(minutes=10)
        )

    assert requeued == [queued_letter.pk]
    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.SENT
    assert queued_letter.attempts == 2
    fresh.refresh_from_db()
    assert fresh.status == LetterStatus.SENDING  # a live worker may still be sending it
    assert len(outbox) == 1


def test_sweep_gives_up_on_a_letter_that_keeps_killing_workers(queued_letter, settings):
    Letter.objects.filter(pk=queued_letter.pk).update(
        status=LetterStatus.SENDING,
        attempts=settings.LETTER_SEND_MAX_ATTEMPTS,
        claimed_at=timezone.now() - datetime.timedelta(hours=1),
    )

    assert letters_sweep(queued_older_than=datetime.timedelta(0), sending_older_than=datetime.timedelta(0)) == []

    queued_letter.refresh_from_db()
    assert queued_letter.status == LetterStatus.FAILED


def test_an_organiser_sends_failed_letters_again_after_an_outage(admin_client, django_capture_on_commit_callbacks):
    failed = LetterFactory(status=LetterStatus.FAILED, failure_reason="Gave up after 10 attempts.")
    erased = LetterFactory(status=LetterStatus.FAILED, submission__email="", submission__erased_at=timezone.now())
    delivered = LetterFactory(status=LetterStatus.DELIVERED)
    mail.outbox = []

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:campaign_letter_changelist"),
            {"action": "requeue", "_selected_action": [failed.pk, erased.pk, delivered.pk]},
            follow=True,
        )

    notices = [str(message) for message in response.context["messages"]]
    assert "Letters queued again: 1." in notices
    assert any(notice.startswith("Not queued: 2") for notice in notices)
    failed.refresh_from_db()
    assert failed.status == LetterStatus.SENT and failed.failure_reason == ""
    assert [message.to for message in mail.outbox] == [[failed.office.email]]
    assert Letter.objects.get(pk=erased.pk).status == LetterStatus.FAILED
    assert Letter.objects.get(pk=delivered.pk).status == LetterStatus.DELIVERED


def test_requeueing_respects_the_duplicate_guard():
    failed = LetterFactory(status=LetterStatus.FAILED)
    LetterFactory(
        campaign=failed.campaign, office=failed.office, sender_hash=failed.sender_hash, status=LetterStatus.SENT
    )

    requeued, skipped = letters_requeue(letter_ids=[failed.pk])

    assert (requeued, skipped) == ([], [failed.pk])
    assert Letter.objects.get(pk=failed.pk).status == LetterStatus.FAILED
