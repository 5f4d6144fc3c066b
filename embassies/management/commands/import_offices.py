"""manage.py import_offices FILE [--dry-run] [--sending-state UA]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from embassies.importing import ImportFileInvalid, office_file_import


class Command(BaseCommand):
    help = (
        "Import diplomatic offices from the directory CSV, a candidates CSV (host_country_iso2, office_type, ...) "
        "or Wikidata SPARQL JSON. Safe to run again: matching offices are updated, not duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--sending-state",
            help="ISO code of the sending state (e.g. UA) for files without a sending_country column.",
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, sending_state: str | None, **options: Any) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            report = office_file_import(
                content=content, filename=file.name, sending_country=sending_state, dry_run=dry_run
            )
        except ImportFileInvalid as error:
            raise CommandError(str(error)) from error
        for line, note in report.notes:
            self.stdout.write(f"line {line}: {note}")
        for line, text in report.unverified:
            self.stdout.write(self.style.WARNING(f"line {line}: {text}"))
        for line, reason in report.rejected:
            self.stdout.write(self.style.ERROR(f"line {line}: rejected: {reason}"))
        prefix = "Dry run, nothing written. " if dry_run else ""
        self.stdout.write(
            f"{prefix}created: {report.created}, updated: {report.updated}, unchanged: {report.unchanged}, "
            f"merged duplicates: {report.merged}, rejected: {len(report.rejected)}"
        )
