"""Celery tasks of corrections: thin, no personal data in their arguments, safe to run twice."""

from celery import shared_task


@shared_task(name="corrections.digests_send")
def digests_send_task() -> int:
    from .services.digests import digests_send

    return digests_send()


@shared_task(name="corrections.report_contacts_purge")
def report_contacts_purge_task() -> int:
    from .services.reports import report_contacts_purge

    return report_contacts_purge()


@shared_task(name="corrections.report_answer_send", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def report_answer_send_task(report_id: int) -> bool:
    from .services.reports import report_answer_send

    return report_answer_send(report_id=report_id)
