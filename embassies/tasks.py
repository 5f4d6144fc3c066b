"""Celery tasks of the directory: thin, take ids, safe to run twice. Each imports its service inside its body,
so imports run one way (services → tasks)."""

import datetime

from celery import shared_task


@shared_task(name="embassies.office_import_job_process", acks_late=True)
def office_import_job_process_task(job_id: int) -> str | None:
    from .services import office_import_job_process

    return office_import_job_process(job_id=job_id)


@shared_task(name="embassies.office_import_jobs_sweep")
def office_import_jobs_sweep_task() -> int:
    from .services import office_import_jobs_sweep

    return office_import_jobs_sweep(
        unconfirmed_after=datetime.timedelta(days=1), running_after=datetime.timedelta(minutes=30)
    )
