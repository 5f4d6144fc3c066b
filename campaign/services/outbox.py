"""The outbox: claim a letter atomically, send it once through its courier (campaign/couriers.py: email through
the ESP adapter, or fax through the country's gateway), record the outcome; sweep what got stuck.

Double-send policy: a letter whose earlier attempt may have reached the ESP (attempts > 1 after the claim:
a worker died, or a transient error after the request left) is first looked up at the ESP by the
`letter_ref` metadata it was sent with. Found → marked sent with that message id, not resent.
Adapters that cannot be asked (the test and dev backends) resend: at-least-once there.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from common.queueing import task_queue_on_commit

from ..couriers import letter_courier
from ..esp import EspLookupError, SendResult
from ..models import Campaign, Letter, LetterStatus
from ..selectors import letter_for_sending
from ..tasks import letter_send_task
from .contacts import contact_record
from .forget import REASON_WITHDRAWN

logger = logging.getLogger(__name__)

REPORTED_BY_THE_ESP = [LetterStatus.DELIVERED, LetterStatus.BOUNCED, LetterStatus.COMPLAINED, LetterStatus.REJECTED]


class LetterSendTransientError(Exception):
    """The ESP could not take the letter now; try again later."""


def letters_queue(*, letter_ids: list[int]) -> None:
    """Hand queued letters to the workers once the surrounding transaction commits."""
    for letter_id in letter_ids:
        task_queue_on_commit(letter_send_task, letter_id)


def letter_claim(*, letter_id: int) -> bool:
    """queued → sending, in one UPDATE: of two workers, exactly one gets rowcount 1."""
    now = timezone.now()
    claimed = Letter.objects.filter(pk=letter_id, status=LetterStatus.QUEUED).update(
        status=LetterStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, status_changed_at=now
    )
    return claimed == 1


def letter_send(*, letter_id: int) -> LetterStatus | None:
    """Send one queued letter. Returns its new status, or None if another worker has it (or it is done).

    Raises LetterSendTransientError after putting the letter back in the queue.
    """
    if not letter_claim(letter_id=letter_id):
        return None
    letter = letter_for_sending(letter_id=letter_id)
    courier = letter_courier(channel=letter.channel)
    if letter.attempts > 1:
        try:
            earlier_message_id = courier.accepted_id(letter=letter)
        except EspLookupError as error:
            letter_release(letter=letter)  # rather wait than risk a duplicate
            raise LetterSendTransientError(str(error)) from error
        if earlier_message_id:
            return letter_mark_sent(letter=letter, esp_message_id=earlier_message_id)
    if letter.submission.erased_at is not None:
        return letter_mark_failed(letter=letter, reason=REASON_WITHDRAWN)
    undeliverable = courier.undeliverable_reason(letter=letter)
    if undeliverable:
        return letter_mark_failed(letter=letter, reason=undeliverable)
    outcome = courier.send(letter=letter)
    if outcome.result == SendResult.TRY_LATER:
        letter_release(letter=letter)
        raise LetterSendTransientError(outcome.reason)
    if outcome.result == SendResult.REFUSED:
        return letter_mark_failed(letter=letter, reason=outcome.reason)
    return letter_mark_sent(letter=letter, esp_message_id=outcome.message_id)


def letter_mark_sent(*, letter: Letter, esp_message_id: str) -> LetterStatus:
    now = timezone.now()
    with transaction.atomic():
        updated = Letter.objects.filter(pk=letter.pk, status=LetterStatus.SENDING).update(
            status=LetterStatus.SENT,
            esp_message_id=esp_message_id,
            sent_at=now,
            status_changed_at=now,
            failure_reason="",
        )
        if not updated:
            # The ESP's delivery report overtook the worker: keep its newer status, add what only we know.
            updated = Letter.objects.filter(pk=letter.pk, status__in=REPORTED_BY_THE_ESP, sent_at__isnull=True).update(
                esp_message_id=esp_message_id, sent_at=now
            )
        if updated:
            channel = letter_courier(channel=letter.channel).contact_channel
            contact_record(campaign=letter.campaign, office=letter.office, channel=channel)
    logger.info("letter %s sent, ESP message %s", letter.pk, esp_message_id)
    return LetterStatus.SENT


def letters_requeue(*, letter_ids: list[int]) -> tuple[list[int], list[int]]:
    """Send failed letters again, e.g. after an ESP outage. Returns (requeued, skipped) ids.

    Skipped: letters not failed, whose supporter's data was erased, whose campaign closed, or whose sender
    meanwhile has another live letter to the office (the duplicate guard).
    """
    now = timezone.now()
    open_campaigns = Campaign.objects.open().values("pk")
    candidates = Letter.objects.filter(
        pk__in=letter_ids,
        status=LetterStatus.FAILED,
        submission__erased_at__isnull=True,
        campaign__in=open_campaigns,
    ).exclude(submission__email="")
    requeued = []
    for letter_id in candidates.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                Letter.objects.filter(pk=letter_id, status=LetterStatus.FAILED).update(
                    status=LetterStatus.QUEUED,
                    attempts=0,
                    failure_reason="",
                    queued_at=now,
                    first_queued_at=now,
                    next_attempt_at=None,
                    status_changed_at=now,
                )
            requeued.append(letter_id)
        except IntegrityError:
            continue
    letters_queue(letter_ids=requeued)
    return requeued, sorted(set(letter_ids) - set(requeued))


def letter_mark_failed(*, letter: Letter, reason: str) -> LetterStatus:
    Letter.objects.filter(pk=letter.pk, status__in=[LetterStatus.SENDING, LetterStatus.QUEUED]).update(
        status=LetterStatus.FAILED, failure_reason=reason[:500], status_changed_at=timezone.now()
    )
    logger.warning("letter %s failed: %s", letter.pk, reason)
    return LetterStatus.FAILED


def letter_release(*, letter: Letter) -> None:
    now = timezone.now()
    Letter.objects.filter(pk=letter.pk, status=LetterStatus.SENDING).update(
        status=LetterStatus.QUEUED, queued_at=now, status_changed_at=now
    )


def letter_fail_after_retries(*, letter_id: int, reason: str) -> None:
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is not None:
        letter_mark_failed(letter=letter, reason=f"Gave up after {letter.attempts} attempts. Last error: {reason}")


def letter_retry_later(*, letter_id: int, reason: str, now: datetime.datetime | None = None) -> LetterStatus | None:
    """The send task's own retries are spent on transient errors (an ESP outage): the sweep tries again after a
    pause that doubles each time, until LETTER_RETRY_MAX_AGE_HOURS after sending began; then the letter fails
    visibly, with the ESP's last reason."""
    now = now or timezone.now()
    letter = Letter.objects.filter(pk=letter_id, status=LetterStatus.QUEUED).first()
    if letter is None:
        return None
    if _retry_window_over(letter, now=now):
        hours = settings.LETTER_RETRY_MAX_AGE_HOURS
        return letter_mark_failed(
            letter=letter, reason=f"Gave up after {letter.attempts} attempts in {hours} hours. Last error: {reason}"
        )
    rounds = max(letter.attempts // (settings.LETTER_SEND_MAX_RETRIES + 1), 1)
    pause = min(settings.LETTER_RETRY_BACKOFF_MAX_SECONDS * 2 ** (rounds - 1), settings.LETTER_RETRY_PAUSE_MAX_SECONDS)
    Letter.objects.filter(pk=letter.pk, status=LetterStatus.QUEUED).update(
        next_attempt_at=now + datetime.timedelta(seconds=pause), failure_reason=reason[:500]
    )
    logger.warning("letter %s: ESP unavailable, next attempt in %d s", letter.pk, pause)
    return LetterStatus.QUEUED


def _retry_window_over(letter: Letter, *, now: datetime.datetime) -> bool:
    began = letter.first_queued_at or letter.queued_at or letter.created_at
    return now - began >= datetime.timedelta(hours=settings.LETTER_RETRY_MAX_AGE_HOURS)


def letters_sweep(*, queued_older_than: datetime.timedelta, sending_older_than: datetime.timedelta) -> list[int]:
    """Re-queue letters stuck in queued (the broker lost the task) or sending (the worker died).

    sending_older_than must exceed the send task's hard time limit, so a letter a live worker is still
    sending is never taken from it.
    """
    now = timezone.now()
    too_many = Letter.objects.filter(
        status=LetterStatus.SENDING,
        claimed_at__lt=now - sending_older_than,
        attempts__gte=settings.LETTER_SEND_MAX_ATTEMPTS,
    )
    for letter in too_many:
        letter_fail_after_retries(letter_id=letter.pk, reason="the sending worker stopped each time")
    stuck_sending = list(
        Letter.objects.filter(status=LetterStatus.SENDING, claimed_at__lt=now - sending_older_than).values_list(
            "pk", flat=True
        )
    )
    Letter.objects.filter(pk__in=stuck_sending, status=LetterStatus.SENDING).update(
        status=LetterStatus.QUEUED, queued_at=now, status_changed_at=now
    )
    waiting = Letter.objects.filter(status=LetterStatus.QUEUED, queued_at__lt=now - queued_older_than)
    for letter in waiting.filter(next_attempt_at__isnull=False).exclude(failure_reason=""):
        if _retry_window_over(letter, now=now):
            letter_retry_later(letter_id=letter.pk, reason=letter.failure_reason, now=now)
    stuck_queued = list(
        waiting.filter(status=LetterStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)
    )
    Letter.objects.filter(pk__in=stuck_queued).update(queued_at=now)
    requeued = sorted(set(stuck_sending) | set(stuck_queued))
    letters_queue(letter_ids=requeued)
    if requeued:
        logger.warning("sweep re-queued %d letters", len(requeued))
    return requeued


def letters_sweep_due() -> int:
    """The periodic sweep with the configured thresholds."""
    with transaction.atomic():
        requeued = letters_sweep(
            queued_older_than=datetime.timedelta(seconds=settings.LETTER_SWEEP_QUEUED_AFTER_SECONDS),
            sending_older_than=datetime.timedelta(seconds=settings.LETTER_SWEEP_SENDING_AFTER_SECONDS),
        )
    return len(requeued)
