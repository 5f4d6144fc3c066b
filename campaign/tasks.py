"""Celery tasks of the letter channel: thin, take ids, safe to run twice.

Services queue these with transaction.on_commit; each task imports its service inside its body, so imports
run one way (services → tasks).
"""

import logging
import smtplib

from django.conf import settings

from anymail.exceptions import AnymailRequestsAPIError
from celery import Task, shared_task
from celery.signals import worker_process_init, worker_process_shutdown

from common.mail import mail_connections_close, mail_connections_forget

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _mail_connections_fresh(**kwargs: object) -> None:
    """A new pool process starts without the parent's ESP connections (their sockets are the parent's)."""
    mail_connections_forget()


@worker_process_shutdown.connect
def _mail_connections_closed(**kwargs: object) -> None:
    """A pool process that stops closes its ESP connection rather than leaving it to time out."""
    mail_connections_close()


def retry_countdown(retries: int) -> int:
    """Exponential backoff, capped below the sweep's threshold for queued letters."""
    return min(settings.LETTER_RETRY_BACKOFF_SECONDS * (2**retries), settings.LETTER_RETRY_BACKOFF_MAX_SECONDS)


@shared_task(
    name="campaign.letter_send",
    bind=True,
    acks_late=True,
    max_retries=settings.LETTER_SEND_MAX_RETRIES,
    soft_time_limit=settings.LETTER_SEND_TIME_LIMIT_SECONDS - 10,
    time_limit=settings.LETTER_SEND_TIME_LIMIT_SECONDS,
)
def letter_send_task(self: Task, letter_id: int) -> str | None:
    from .services.outbox import LetterSendTransientError, letter_retry_later, letter_send

    try:
        status = letter_send(letter_id=letter_id)
    except LetterSendTransientError as error:
        if self.request.retries >= self.max_retries:
            # Past the task's quick retries the sweep takes over, with longer pauses, up to an age cap.
            status = letter_retry_later(letter_id=letter_id, reason=str(error))
            return str(status) if status else None
        logger.info("letter %s: transient ESP error, retry %d", letter_id, self.request.retries + 1)
        raise self.retry(countdown=retry_countdown(self.request.retries), exc=error) from error
    return str(status) if status else None


# Mail to the supporter: retried on ESP errors (a failed confirmation email would strand the letters).
SUPPORTER_MAIL_RETRY = {
    "acks_late": True,
    # An ESP's API error, or with the SMTP backend a server that is down or answers 4xx.
    "autoretry_for": (AnymailRequestsAPIError, smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(name="campaign.submission_confirmation_send", **SUPPORTER_MAIL_RETRY)
def submission_confirmation_send_task(submission_id: int, interface_language: str) -> bool:
    from .services.supporter_mail import submission_confirmation_send

    return submission_confirmation_send(submission_id=submission_id, language=interface_language)


@shared_task(name="campaign.submission_copy_send", **SUPPORTER_MAIL_RETRY)
def submission_copy_send_task(submission_id: int, interface_language: str) -> bool:
    from .services.supporter_mail import submission_copy_send

    return submission_copy_send(submission_id=submission_id, language=interface_language)


@shared_task(name="campaign.letters_sweep")
def letters_sweep_task() -> int:
    from .services.outbox import letters_sweep_due

    return letters_sweep_due()


@shared_task(name="campaign.submissions_unconfirmed_delete")
def submissions_unconfirmed_delete_task() -> int:
    from .services.submissions import submissions_unconfirmed_delete

    return submissions_unconfirmed_delete()


@shared_task(name="campaign.submissions_personal_data_erase")
def submissions_personal_data_erase_task() -> int:
    from .services.submissions import submissions_personal_data_erase

    return submissions_personal_data_erase()


@shared_task(name="campaign.forget_links_send", **SUPPORTER_MAIL_RETRY)
def forget_links_send_task(submission_ids: list[int], interface_language: str) -> bool:
    from .services.forget import forget_links_send

    return forget_links_send(submission_ids=submission_ids, language=interface_language)


@shared_task(name="campaign.supporter_mail_sweep")
def supporter_mail_sweep_task() -> int:
    from .services.supporter_mail import supporter_mail_sweep

    return supporter_mail_sweep()


@shared_task(name="campaign.closed_campaigns_sender_hashes_drop")
def closed_campaigns_sender_hashes_drop_task() -> int:
    from .services.submissions import closed_campaigns_sender_hashes_drop

    return closed_campaigns_sender_hashes_drop()
