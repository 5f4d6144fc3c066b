"""Celery tasks for printing: thin, take ids, safe to run twice."""

from celery import shared_task

from .services import batch_generate, batches_personal_data_expire


@shared_task(name="printing.batch_generate")
def batch_generate_task(batch_id: int) -> bool:
    return batch_generate(batch_id=batch_id)


@shared_task(name="printing.batches_personal_data_expire")
def batches_personal_data_expire_task() -> int:
    return batches_personal_data_expire()
