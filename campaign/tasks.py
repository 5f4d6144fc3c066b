"""Celery tasks: thin, take ids, safe to run twice. Queued with transaction.on_commit by the services."""

import datetime
import logging
from contextlib import contextmanager

from anymail.exceptions import AnymailRequestsAPIError
from celery import shared_task

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .mail import confirm_path_for, confirmation_message_build, copy_message_build, status_path_for
from .models import Submission
from .services.sending import (
    LetterSendTransientError,
    letter_fail_after_retries,
    letter_send,
    letters_sweep,
)
from .services.submissions import (
    submission_confirm_token,
    submission_status_token,
    submissions_personal_data_erase,
    submissions_unconfirmed_delete,
)

logger = logging.getLogger(__name__)

# Longer than any redelivery or retry of a supporter-mail task can take.
ONCE_TIMEOUT_SECONDS = 7 * 24 * 3600


def retry_countdown(retries: int) -> int:
    """Exponential backoff, capped below the sweep's threshold for queued letters."""
    return min(settings.LETTER_RETRY_BACKOFF_SECONDS * (2**retries), settings.LETTER_RETRY_BACKOFF_MAX_SECONDS)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=settings.LETTER_SEND_MAX_RETRIES,
    soft_time_limit=settings.LETTER_SEND_TIME_LIMIT_SECONDS - 10,
    time_limit=settings.LETTER_SEND_TIME_LIMIT_SECONDS,
)
def letter_send_task(self, letter_id: int) -> str | None:
    try:
        status = letter_send(letter_id=letter_id)
    except LetterSendTransientError as error:
        if self.request.retries >= self.max_retries:
            letter_fail_after_retries(letter_id=letter_id, reason=str(error))
            return "failed"
        logger.info("letter %s: transient ESP error, retry %d", letter_id, self.request.retries + 1)
        raise self.retry(countdown=retry_countdown(self.request.retries), exc=error) from error
    return str(status) if status else None


# Mail to the supporter: retried on ESP errors (a failed confirmation email would strand the letters).
SUPPORTER_MAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (AnymailRequestsAPIError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@contextmanager
def once(key: str):
    """Run the block at most once per key (a redelivered task must not mail the supporter twice)."""
    if not cache.add(f"once:{key}", 1, timeout=ONCE_TIMEOUT_SECONDS):
        yield False
        return
    try:
        yield True
    except BaseException:
        cache.delete(f"once:{key}")  # not done: let the retry do it
        raise


@shared_task(**SUPPORTER_MAIL_RETRY)
def submission_confirmation_send_task(submission_id: int, interface_language: str) -> None:
    submission = Submission.objects.select_related("campaign").filter(pk=submission_id).first()
    if submission is None or submission.confirmed_at is not None or not submission.email:
        return
    with once(f"confirmation:{submission_id}") as first_time:
        if first_time:
            token = submission_confirm_token(submission=submission)
            confirmation_message_build(
                submission=submission,
                confirm_path=confirm_path_for(submission=submission, token=token),
                language=interface_language,
            ).send()


@shared_task(**SUPPORTER_MAIL_RETRY)
def submission_copy_send_task(submission_id: int, interface_language: str) -> None:
    submission = Submission.objects.select_related("campaign").filter(pk=submission_id).first()
    if submission is None or not submission.email:
        return
    with once(f"copy:{submission_id}") as first_time:
        if first_time:
            token = submission_status_token(submission=submission)
            message = copy_message_build(
                submission=submission,
                status_path=status_path_for(submission=submission, token=token),
                language=interface_language,
            )
            if message is not None:
                message.send()


@shared_task
def letters_sweep_task() -> int:
    with transaction.atomic():
        requeued = letters_sweep(
            queued_older_than=datetime.timedelta(seconds=settings.LETTER_SWEEP_QUEUED_AFTER_SECONDS),
            sending_older_than=datetime.timedelta(seconds=settings.LETTER_SWEEP_SENDING_AFTER_SECONDS),
        )
    return len(requeued)


@shared_task
def submissions_unconfirmed_delete_task() -> int:
    return submissions_unconfirmed_delete()


@shared_task
def submissions_personal_data_erase_task() -> int:
    return submissions_personal_data_erase()
