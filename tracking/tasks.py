"""Celery tasks of tracking: thin, take ids, safe to run twice. Each imports its service inside its body."""

from celery import shared_task


@shared_task(name="tracking.reply_forward", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def reply_forward_task(reply_id: int) -> bool:
    from .services.replies import reply_forward

    return reply_forward(reply_id=reply_id)


@shared_task(name="tracking.replies_forward_sweep")
def replies_forward_sweep_task() -> int:
    from .services.replies import replies_forward_sweep

    return replies_forward_sweep()


@shared_task(name="tracking.reply_survey_send", autoretry_for=(OSError,), retry_backoff=300, max_retries=5)
def reply_survey_send_task(submission_id: int) -> int:
    from .services.survey import survey_send

    return survey_send(submission_id=submission_id)


@shared_task(name="tracking.reply_survey_send_due")
def reply_survey_send_due_task() -> int:
    from .services.survey import surveys_queue_due

    return surveys_queue_due()


@shared_task(name="tracking.reply_content_purge")
def reply_content_purge_task() -> int:
    from .services.replies import reply_content_purge

    return reply_content_purge()


@shared_task(name="tracking.delivery_events_parked_apply")
def delivery_events_parked_apply_task() -> int:
    from .services.delivery import delivery_events_parked_apply

    return delivery_events_parked_apply()
