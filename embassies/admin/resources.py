"""django-import-export resource: the same parsing, matching and rules as `manage.py import_offices`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader

from common.cells import control_characters_strip
from common.spreadsheet import spreadsheet_safe

from ..directory_csv import COLUMNS
from ..importing import RowRejected, office_match, office_record_assign, office_row_parse
from ..importing.sources import CANDIDATE_COLUMNS
from ..models import Office


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

    def __init__(self, scope_codes: list[str] | None = None, sending_country: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.scope_codes = scope_codes
        self.sending_country = sending_country
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

    def get_or_init_instance(self, instance_loader: BaseInstanceLoader, row: dict[str, Any]) -> tuple[Office, bool]:
        office = office_match(values=self.row_values)
        if office is not None and self.scope_codes is not None and str(office.host_country) not in self.scope_codes:
            raise ValidationError(_("This row matches an office in a country you do not look after."))
        return (office, False) if office else (Office(), True)

    def import_instance(self, instance: Office, row: dict[str, Any], **kwargs: Any) -> None:
        instance.import_changed, _verification_lost = office_record_assign(office=instance, values=self.row_values)

    def skip_row(
        self,
        instance: Office,
        original: Office,
        row: dict[str, Any],
        import_validation_errors: dict[str, Any] | None = None,
    ) -> bool:
        return not import_validation_errors and not getattr(instance, "import_changed", True)
