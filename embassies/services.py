"""Writes for the directory. Keyword-only, typed, named <noun>_<verb>."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import File
from django.db.models import Q, QuerySet
from django.utils import timezone

from common.queueing import task_queue_on_commit

from .importing.jobs import office_import_job_file_delete, office_import_job_run
from .models import ImportJobStatus, Office, OfficeImportJob, OrganiserScope
from .tasks import office_import_job_process_task


def office_email_flag(*, office: Office, reason: str) -> bool:
    """Mark an office's email for organiser review (e.g. it bounced); it receives no mail until cleared.
    True if it was not flagged before."""
    flagged = Office.objects.filter(pk=office.pk, email_flagged_at__isnull=True).update(
        email_flagged_at=timezone.now(), email_flag_reason=reason[:300]
    )
    return bool(flagged)


def organiser_scope_set(*, user: AbstractBaseUser, host_countries: list[str]) -> OrganiserScope:
    """Give an organiser exactly these host countries (ISO codes)."""
    codes = sorted({code.strip().upper() for code in host_countries if code.strip()})
    scope, _created = OrganiserScope.objects.update_or_create(user=user, defaults={"host_countries": codes})
    return scope


def offices_mark_verified(*, offices: QuerySet[Office], verified_by: str, on_date: datetime.date | None = None) -> int:
    """An organiser checked these offices against their own current pages."""
    return offices.update(verified_on=on_date or timezone.localdate(), verified_by=verified_by[:150])


def offices_email_flag_clear(*, offices: QuerySet[Office]) -> int:
    """An organiser reviewed the flagged addresses; they may receive mail again (if verified)."""
    return offices.filter(email_flagged_at__isnull=False).update(email_flagged_at=None, email_flag_reason="")


def office_import_job_create(
    *,
    user: AbstractBaseUser,
    upload: File,
    original_name: str,
    file_format: str,
    sending_state: str,
    language: str,
    rows_total: int,
) -> OfficeImportJob:
    """Keep a large import file for a worker, which checks every row first (nothing is written until the organiser
    confirms what the check found)."""
    job = OfficeImportJob(
        user=user,
        original_name=original_name[:255],
        file_format=file_format,
        sending_state=sending_state,
        language=language,
        rows_total=rows_total,
    )
    job.file.save("import", upload, save=False)  # the storage names it; the organiser's file name is not a path
    job.save()
    task_queue_on_commit(office_import_job_process_task, job.pk)
    return job


def office_import_job_confirm(*, job: OfficeImportJob) -> bool:
    """The organiser saw the checked changes and wants them applied. False if the job was not waiting for that."""
    confirmed = OfficeImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKED).update(
        status=ImportJobStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    if confirmed:
        task_queue_on_commit(office_import_job_process_task, job.pk)
    return bool(confirmed)


def office_import_job_discard(*, job: OfficeImportJob) -> bool:
    """The organiser does not want the checked changes: nothing is applied and the file is deleted."""
    discarded = OfficeImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKED).update(
        status=ImportJobStatus.DISCARDED, finished_at=timezone.now()
    )
    if discarded:
        office_import_job_file_delete(job=job)
    return bool(discarded)


def office_import_jobs_sweep(
    *, unconfirmed_after: datetime.timedelta, running_after: datetime.timedelta, now: datetime.datetime | None = None
) -> int:
    """Finish what nobody will: a checked job its organiser never confirmed is discarded with its file (as the
    small import's preview expires), and a job a dead worker left is queued again (the check and the apply each
    run in one transaction, so a second run either finds the job done or starts it over). Returns the jobs
    touched."""
    now = now or timezone.now()
    forgotten = OfficeImportJob.objects.filter(status=ImportJobStatus.CHECKED, checked_at__lt=now - unconfirmed_after)
    discarded = [job for job in forgotten if office_import_job_discard(job=job)]
    stuck = list(
        OfficeImportJob.objects.filter(
            Q(status=ImportJobStatus.WAITING, created_at__lt=now - running_after)
            | Q(status=ImportJobStatus.CONFIRMED, confirmed_at__lt=now - running_after)
        ).values_list("pk", flat=True)
    )
    for job_id in stuck:
        task_queue_on_commit(office_import_job_process_task, job_id)
    return len(discarded) + len(stuck)


def office_import_job_process(*, job_id: int) -> str | None:
    """The worker's part: check a waiting job, or apply a confirmed one. Safe to run twice."""
    return office_import_job_run(job_id=job_id)
