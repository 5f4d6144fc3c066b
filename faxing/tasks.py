"""Celery tasks of the fax channel: thin, take ids, safe to run twice. Fax letters themselves are sent by the
outbox's own task (campaign.letter_send)."""

from celery import shared_task

from .sinch import FaxApiError


@shared_task(
    name="faxing.fax_content_delete",
    acks_late=True,
    autoretry_for=(FaxApiError,),
    retry_backoff=60,
    retry_backoff_max=6 * 3600,
    max_retries=10,
)
def fax_content_delete_task(letter_id: int, fax_id: str) -> bool:
    from .services import fax_content_delete

    return fax_content_delete(letter_id=letter_id, fax_id=fax_id)
