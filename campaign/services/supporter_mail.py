"""The supporter's own emails (confirmation, copy) as a durable outbox in the database.

Each is claimed by one UPDATE, sent, then marked sent. A send that fails releases the claim for the task's retry.
A claim never followed by "sent" (the worker died) goes stale, and the sweep, which also finds the emails whose
task never reached the broker, queues them again. A worker dying between the ESP's acceptance and "sent" can
cause one repeat: at least once, never lost.
"""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from common.mail import mail_send
from common.queueing import task_queue_now

from ..emails import confirmation_message_build, copy_message_build
from ..models import LetterStatus, Submission
from ..selectors import letter_template_closing
from ..tasks import submission_confirmation_send_task, submission_copy_send_task
from ..tokens import submission_confirm_token, submission_status_token

CLAIM_STALE_AFTER = datetime.timedelta(minutes=10)
# The task queued after commit normally sends within seconds; the sweep leaves it that long first.
SWEEP_GRACE = datetime.timedelta(minutes=2)


def _claimable(queryset: QuerySet[Submission], *, claimed_field: str, now: datetime.datetime) -> QuerySet:
    stale = now - CLAIM_STALE_AFTER
    return queryset.filter(Q(**{f"{claimed_field}__isnull": True}) | Q(**{f"{claimed_field}__lt": stale}))


def _confirmation_due() -> QuerySet[Submission]:
    return Submission.objects.filter(
        confirmed_at__isnull=True, erased_at__isnull=True, confirmation_sent_at__isnull=True
    ).exclude(email="")


def _copy_due() -> QuerySet[Submission]:
    return Submission.objects.filter(
        send_copy=True, confirmed_at__isnull=False, erased_at__isnull=True, copy_sent_at__isnull=True
    ).exclude(email="")


def _send_claimed(*, submission_id: int, due: QuerySet[Submission], kind: str, build: object) -> bool:
    now = timezone.now()
    claimed_field, sent_field = f"{kind}_claimed_at", f"{kind}_sent_at"
    if not _claimable(due.filter(pk=submission_id), claimed_field=claimed_field, now=now).update(
        **{claimed_field: now}
    ):
        return False
    submission = Submission.objects.select_related("campaign").get(pk=submission_id)
    try:
        message = build(submission)
        if message is not None:
            mail_send(message)
    except BaseException:
        Submission.objects.filter(pk=submission_id).update(**{claimed_field: None})  # the retry sends it
        raise
    Submission.objects.filter(pk=submission_id).update(**{sent_field: timezone.now()})
    return True


def submission_confirmation_send(*, submission_id: int, language: str) -> bool:
    """Mail the confirmation link, once. True if it was sent now."""

    def build(submission: Submission) -> object:
        token = submission_confirm_token(submission=submission)
        return confirmation_message_build(submission=submission, token=token, language=language)

    return _send_claimed(submission_id=submission_id, due=_confirmation_due(), kind="confirmation", build=build)


def submission_copy_send(*, submission_id: int, language: str) -> bool:
    """Mail the supporter a copy of their letter with the status link, once. True if it was sent now."""

    def build(submission: Submission) -> object:
        closing = letter_template_closing(campaign_id=submission.campaign_id, language=submission.language)
        token = submission_status_token(submission=submission)
        return copy_message_build(submission=submission, token=token, language=language, closing=closing)

    return _send_claimed(submission_id=submission_id, due=_copy_due(), kind="copy", build=build)


def supporter_mail_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue the supporter emails whose task was lost: broker down when they were due, or the worker died."""
    now = now or timezone.now()
    link_valid_since = now - datetime.timedelta(hours=settings.CONFIRMATION_MAX_AGE_HOURS)
    confirmations = _claimable(
        _confirmation_due().filter(created_at__lt=now - SWEEP_GRACE, created_at__gt=link_valid_since),
        claimed_field="confirmation_claimed_at",
        now=now,
    )
    copies = _claimable(
        _copy_due().filter(confirmed_at__lt=now - SWEEP_GRACE).exclude(letters__status=LetterStatus.PENDING),
        claimed_field="copy_claimed_at",
        now=now,
    ).distinct()
    queued = 0
    for submission in confirmations.only("pk", "interface_language", "language"):
        queued += task_queue_now(submission_confirmation_send_task, submission.pk, submission.mail_language)
    for submission in copies.only("pk", "interface_language", "language"):
        queued += task_queue_now(submission_copy_send_task, submission.pk, submission.mail_language)
    return queued
