"""A large directory file imported by a worker, with the admin's own resource and safety: every row is checked
first (a dry run, nothing written), the organiser sees what would change, and only their confirmation applies it,
in one transaction. Progress goes to the cache, since the database only shows the job's rows once the import
commits; the counts, changes and rejected lines go to the job itself.
"""

import logging
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from import_export.formats.base_formats import DEFAULT_FORMATS, Format
from import_export.results import Result, RowResult
from tablib import Dataset

from ..models import ImportJobStatus, OfficeImportJob
from ..selectors import organiser_country_codes
from .resource import OfficeResource

logger = logging.getLogger(__name__)

# The admin reads text files with this encoding (django-import-export's default): a BOM is dropped.
TEXT_ENCODING = "utf-8-sig"
# The preview lists at most this many changed rows; the totals count them all.
CHANGES_SHOWN_MAX = 500
ERRORS_KEPT_MAX = 1000
PROGRESS_SECONDS = 24 * 60 * 60
PHASE_CHECKING = "checking"
PHASE_APPLYING = "applying"


def import_format_find(*, title: str) -> Format | None:
    """django-import-export's format by its title ("csv", "xlsx"), among those this installation can read."""
    for format_class in DEFAULT_FORMATS:
        candidate = format_class()
        if candidate.get_title() == title and candidate.is_available() and candidate.can_import():
            return candidate
    return None


def dataset_read(*, content: bytes, file_format: Format) -> Dataset:
    data = content if file_format.is_binary() else content.decode(TEXT_ENCODING)
    return file_format.create_dataset(data)


def progress_key(job_id: int) -> str:
    return f"embassies:office-import-job:{job_id}:progress"


def progress_note(*, job_id: int, phase: str, processed: int) -> None:
    cache.set(progress_key(job_id), {"phase": phase, "processed": processed}, PROGRESS_SECONDS)


def progress_read(*, job_id: int) -> dict[str, Any] | None:
    """{"phase": ..., "processed": n} while a worker runs the job; None before it starts (or the cache is down)."""
    try:
        found = cache.get(progress_key(job_id))
    except Exception:  # noqa: BLE001  (progress is a courtesy: a page without it still answers)
        return None
    return found if isinstance(found, dict) else None


def office_import_job_run(*, job_id: int) -> str | None:
    """Check a waiting job or apply a confirmed one. Returns its new status; None when there was nothing to do
    (a finished job, or another worker has it): running a job twice changes nothing."""
    job = OfficeImportJob.objects.filter(pk=job_id).select_related("user").first()
    if job is None or job.status not in {ImportJobStatus.WAITING, ImportJobStatus.CONFIRMED}:
        return None
    with translation.override(job.language):
        if job.status == ImportJobStatus.WAITING:
            return _check(job)
        return _apply(job)


def _check(job: OfficeImportJob) -> str | None:
    with transaction.atomic():
        # The claim's UPDATE holds the job's row until commit: a second worker waits, then finds it checked.
        if not OfficeImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.WAITING).update(rows_processed=0):
            return None
        result = _import(job, dry_run=True, phase=PHASE_CHECKING)
        refused = result is None or result.has_errors() or result.has_validation_errors()
        status = ImportJobStatus.REFUSED if refused else ImportJobStatus.CHECKED
        now = timezone.now()
        OfficeImportJob.objects.filter(pk=job.pk).update(
            status=status, checked_at=now, finished_at=now if refused else None, **_findings(job, result)
        )
    if refused:
        office_import_job_file_delete(job=job)
    return status


def _apply(job: OfficeImportJob) -> str | None:
    with transaction.atomic():
        if not OfficeImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CONFIRMED).update(rows_processed=0):
            return None
        result = _import(job, dry_run=False, phase=PHASE_APPLYING)
        applied = result is not None and not result.has_errors() and not result.has_validation_errors()
        if applied:
            _log_entries(job, result)
            OfficeImportJob.objects.filter(pk=job.pk).update(
                status=ImportJobStatus.DONE, finished_at=timezone.now(), **_findings(job, result)
            )
        else:
            # Something changed since the check (an office edited, a scope narrowed): nothing is applied.
            transaction.set_rollback(True)
    if not applied:
        OfficeImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CONFIRMED).update(
            status=ImportJobStatus.FAILED, finished_at=timezone.now(), **_findings(job, result)
        )
    office_import_job_file_delete(job=job)
    return ImportJobStatus.DONE if applied else ImportJobStatus.FAILED


def _import(job: OfficeImportJob, *, dry_run: bool, phase: str) -> Result | None:
    """The admin's import of the job's file; None when the file cannot be read any more."""
    file_format = import_format_find(title=job.file_format)
    if file_format is None or not job.file:
        return None
    try:
        with job.file.open("rb") as stored:
            dataset = dataset_read(content=stored.read(), file_format=file_format)
    except (OSError, ValueError) as error:
        logger.warning("office import %s: file unreadable (%s)", job.pk, error.__class__.__name__)
        return None
    progress_note(job_id=job.pk, phase=phase, processed=0)
    resource = OfficeResource(
        scope_codes=organiser_country_codes(user=job.user),
        sending_country=str(job.sending_state) or None,
        progress=lambda done: progress_note(job_id=job.pk, phase=phase, processed=done),
    )
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        retain_instance_in_row_result=True,
        file_name=job.original_name,
        user=job.user,
    )
    progress_note(job_id=job.pk, phase=phase, processed=len(dataset))
    return result


def _findings(job: OfficeImportJob, result: Result | None) -> dict[str, Any]:
    if result is None:
        return {"errors": [{"line": 0, "messages": [str(_file_gone_message())]}], "totals": {}, "changes": []}
    changes = []
    for number, row in enumerate(result.rows, start=1):
        if (
            row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)
            and len(changes) < CHANGES_SHOWN_MAX
        ):
            changes.append(
                {
                    "line": number + 1,  # the header is line 1
                    "action": row.import_type,
                    "office": row.object_repr or str(row.instance or ""),
                    "fields": getattr(row.instance, "import_changed_fields", []),
                }
            )
    return {
        "rows_processed": result.total_rows,
        "totals": {key: int(value) for key, value in result.totals.items()},
        "changes": changes,
        "errors": _errors(result)[:ERRORS_KEPT_MAX],
    }


def _errors(result: Result) -> list[dict[str, Any]]:
    """Each rejected line with its reasons, in line order, in the organiser's language."""
    found = [{"line": 0, "messages": [str(error.error)]} for error in result.base_errors]
    for invalid in result.invalid_rows:
        messages = [str(message) for messages in invalid.error_dict.values() for message in messages]
        found.append({"line": invalid.number + 1, "messages": messages})
    for number, errors in result.row_errors():
        found.append({"line": number + 1, "messages": [str(error.error) for error in errors]})
    return sorted(found, key=lambda error: error["line"])


def _file_gone_message() -> str:
    return _("The uploaded file could not be read any more; upload it again.")


def _log_entries(job: OfficeImportJob, result: Result) -> None:
    """The admin's history, as a small import writes it: who added or changed which office."""
    flags = {RowResult.IMPORT_TYPE_NEW: ADDITION, RowResult.IMPORT_TYPE_UPDATE: CHANGE}
    for import_type, flag in flags.items():
        instances = [row.instance for row in result.rows if row.import_type == import_type and row.instance]
        if instances:
            LogEntry.objects.log_actions(
                job.user_id, instances, flag, change_message=f"{import_type} through import_export"
            )


def office_import_job_file_delete(*, job: OfficeImportJob) -> None:
    """The uploaded file holds nothing the directory does not, but it is not kept once the job ends."""
    if job.file:
        job.file.delete(save=False)
    OfficeImportJob.objects.filter(pk=job.pk).update(file="")
