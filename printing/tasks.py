"""Celery tasks for printing: thin, take ids, safe to run twice. Each imports its service inside its body."""

from celery import shared_task


@shared_task(name="printing.batch_generate")
def batch_generate_task(batch_id: int) -> bool:
    from .services import batch_generate

    return batch_generate(batch_id=batch_id)


@shared_task(name="printing.batches_personal_data_expire")
def batches_personal_data_expire_task() -> int:
    from .services import batches_personal_data_expire

    return batches_personal_data_expire()


@shared_task(name="printing.batches_generation_sweep")
def batches_generation_sweep_task() -> int:
    from .services import batches_generation_sweep

    return batches_generation_sweep()
