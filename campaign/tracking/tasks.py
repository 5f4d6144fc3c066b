"""Celery tasks: thin wrappers that take ids and call services. Each is safe to run twice."""

from celery import shared_task

from .services import replies, survey


@shared_task(name="tracking.reply_forward", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def reply_forward_task(reply_id: int) -> bool:
    return replies.reply_forward(reply_id=reply_id)


@shared_task(name="tracking.reply_survey_send", autoretry_for=(OSError,), retry_backoff=300, max_retries=5)
def reply_survey_send_task(submission_id: int) -> int:
    return survey.survey_send(submission_id=submission_id)


@shared_task(name="tracking.reply_survey_send_due")
def reply_survey_send_due_task() -> int:
    """Periodic: queue one survey email per submission with letters due for the question."""
    submission_ids = list(survey.survey_due_letters().values_list("submission_id", flat=True).distinct())
    for submission_id in submission_ids:
        reply_survey_send_task.delay(submission_id)
    return len(submission_ids)


@shared_task(name="tracking.reply_content_purge")
def reply_content_purge_task() -> int:
    return replies.reply_content_purge()
