"""Import the directory from the project's CSV, a hand-gathered candidates CSV, or Wikidata SPARQL JSON."""

from django.db import transaction

from .applying import (
    ImportReport,
    office_changes,
    office_match,
    office_record_apply,
    office_record_assign,
    records_apply,
)
from .merging import records_from_rows
from .rows import OfficeRow, RowRejected, office_row_parse
from .sources import ImportFileInvalid, rows_read

__all__ = [
    "ImportFileInvalid",
    "ImportReport",
    "OfficeRow",
    "RowRejected",
    "office_changes",
    "office_file_import",
    "office_match",
    "office_record_apply",
    "office_record_assign",
    "office_row_parse",
]


def office_file_import(
    *, content: bytes, filename: str, sending_country: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Idempotent: a second run of the same file changes nothing. Every row is imported, merged or rejected."""
    report = ImportReport()
    parsed: list[OfficeRow] = []
    for source_row in rows_read(content=content, filename=filename):
        try:
            parsed.append(
                office_row_parse(line=source_row.line, values=source_row.values, sending_country=sending_country)
            )
        except RowRejected as rejection:
            report.reject(source_row.line, "; ".join(rejection.reasons))
    with transaction.atomic():
        records_apply(records=records_from_rows(parsed), report=report)
        if dry_run:
            transaction.set_rollback(True)
    report.rejected.sort()
    report.notes.sort()
    return report
