"""django-import-export resource: the same parsing, matching and rules as `manage.py import_offices`.

The admin's import uses it in the request; a large file's import job (`jobs.py`) uses it in a worker, with a
progress callback.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from diff_match_patch import diff_match_patch
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader

from common.cells import control_characters_strip
from common.spreadsheet import spreadsheet_safe

from ..directory_csv import COLUMNS
from ..models import Office
from .applying import office_changes, office_match, office_record_assign
from .rows import RowRejected, office_row_parse
from .sources import CANDIDATE_COLUMNS

# How often a running import reports how far it got: often enough for a progress page, rarely enough to cost nothing.
PROGRESS_EVERY_ROWS = 25


class ClassMarkedDiff(resources.Diff):
    """The import preview's changes as <ins>/<del> with classes: diff_match_patch writes style attributes, which the
    admin's Content-Security-Policy blocks (static/css/admin.css styles the classes)."""

    MARKUP = {
        diff_match_patch.DIFF_INSERT: '<ins class="diff-added">{}</ins>',
        diff_match_patch.DIFF_DELETE: '<del class="diff-removed">{}</del>',
        diff_match_patch.DIFF_EQUAL: "<span>{}</span>",
    }

    def as_html(self) -> list[str]:
        matcher = diff_match_patch()
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            changes = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(changes)
            pieces = (format_html(self.MARKUP[operation], text) for operation, text in changes)
            cells.append(mark_safe("".join(pieces)))  # noqa: S308 (format_html escaped every piece of text)
        return cells


class OfficeResource(resources.ModelResource):
    other_emails = fields.Field(attribute="other_emails", column_name="other_emails")
    active = fields.Field(attribute="active", column_name="active")

    class Meta:
        model = Office
        fields = COLUMNS
        export_order = COLUMNS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_diff_class(self) -> type[resources.Diff]:
        return ClassMarkedDiff

    def __init__(
        self,
        scope_codes: list[str] | None = None,
        sending_country: str | None = None,
        progress: Callable[[int], None] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.scope_codes = scope_codes
        self.sending_country = sending_country
        self.progress = progress  # called with the number of rows done so far
        self.row_values: dict = {}  # the current row's checked values

    def export_field(self, field: fields.Field, instance: Office, **kwargs: Any) -> Any:
        # The same quoting as the public CSV: an XLSX cell starting with "=" would otherwise be a formula. Offices
        # stored before imports checked their cells may hold control characters, which XLSX cannot.
        value = super().export_field(field, instance, **kwargs)
        return spreadsheet_safe(control_characters_strip(text=value)) if isinstance(value, str) else value

    def dehydrate_other_emails(self, office: Office) -> str:
        return "; ".join(office.other_email_list)

    def dehydrate_active(self, office: Office) -> str:
        return "yes" if office.active else "no"

    def before_import_row(self, row: dict[str, Any], row_number: int | None = None, **kwargs: Any) -> None:
        line = (row_number or 0) + 1  # the header is line 1
        values = {CANDIDATE_COLUMNS.get(name, name): str(value or "").strip() for name, value in row.items() if name}
        try:
            parsed = office_row_parse(line=line, values=values, sending_country=self.sending_country)
        except RowRejected as rejection:
            raise ValidationError(
                _("Line %(line)s: %(reasons)s") % {"line": line, "reasons": "; ".join(rejection.reasons)}
            ) from rejection
        host = parsed.values["host_country"]
        if self.scope_codes is not None and host not in self.scope_codes:
            raise ValidationError(
                _("Line %(line)s: %(country)s is not one of the countries you look after.")
                % {"line": line, "country": host}
            )
        self.row_values = parsed.values

    def after_import_row(self, row: dict[str, Any], row_result: Any, **kwargs: Any) -> None:
        super().after_import_row(row, row_result, **kwargs)
        done = kwargs.get("row_number") or 0
        if self.progress is not None and done % PROGRESS_EVERY_ROWS == 0:
            self.progress(done)

    def get_or_init_instance(self, instance_loader: BaseInstanceLoader, row: dict[str, Any]) -> tuple[Office, bool]:
        office = office_match(values=self.row_values)
        if office is not None and self.scope_codes is not None and str(office.host_country) not in self.scope_codes:
            raise ValidationError(_("This row matches an office in a country you do not look after."))
        return (office, False) if office else (Office(), True)

    def import_instance(self, instance: Office, row: dict[str, Any], **kwargs: Any) -> None:
        # What an update changes, for the preview of a large import (the admin's own preview shows a diff).
        instance.import_changed_fields = (
            sorted(office_changes(office=instance, values=self.row_values)) if instance.pk else []
        )
        instance.import_changed, _verification_lost = office_record_assign(office=instance, values=self.row_values)

    def skip_row(
        self,
        instance: Office,
        original: Office,
        row: dict[str, Any],
        import_validation_errors: dict[str, Any] | None = None,
    ) -> bool:
        return not import_validation_errors and not getattr(instance, "import_changed", True)
