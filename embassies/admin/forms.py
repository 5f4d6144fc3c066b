from collections.abc import Callable
from typing import Any

from django import forms
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_countries import countries
from import_export.formats.base_formats import Format
from import_export.forms import ConfirmImportForm, ImportForm

from common.cells import FileUnreadable, csv_records_read, text_decode

from ..directory_csv import COLUMNS
from ..models import Office
from ..validation import numbers_normalise


def formfield_https(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Web addresses typed without a scheme are https (Django 6's default, chosen now)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


def office_addresses(office: Office) -> set[str]:
    """The addresses an office gets mail at, as compared for "did they change" (case and order do not count)."""
    return {address.lower() for address in [office.email, *office.other_email_list] if address}


class OfficeAdminForm(forms.ModelForm):
    """The model's clean() normalises; this adds the organiser's explicit word on numbers from another country."""

    numbers_reviewed = forms.BooleanField(
        label=_("The phone and fax numbers are right"),
        required=False,
        help_text=_(
            "Tick to keep a number whose country code is not the host country's, "
            "or to clear a review flag after checking the numbers."
        ),
    )
    # Set by the admin: the host countries this organiser may edit (None: all).
    scope_codes: list[str] | None = None

    class Meta:
        model = Office
        # The directory's own columns, as the CSV import reads them. Review flags and verification are set by
        # actions and services, never typed in; the bounce reason may be edited with the address.
        fields = [column for column in COLUMNS if column != "verified_on"] + ["email_flag_reason"]
        formfield_callback = formfield_https

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields and self.instance.is_verified:
            self.fields["email"].help_text = _(
                "Changing an address makes the office unverified: it receives no campaign mail until someone "
                "has checked the new address and marked the office verified."
            )
        if "head_title" in self.fields:
            self.fields["head_title"].required = False
            self.fields["head_title"].help_text = _("Leave empty to use the usual title for the kind of office.")
        self.review_before = (self.instance.numbers_need_review, self.instance.numbers_review_note)
        self.addresses_before = office_addresses(self.instance)
        if self.scope_codes is not None and "host_country" in self.fields:
            field = self.fields["host_country"]
            field.choices = [(code, name) for code, name in field.choices if code in self.scope_codes]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        host = cleaned.get("host_country")
        if host and self.scope_codes is not None and str(host) not in self.scope_codes:
            self.add_error("host_country", _("You look after other countries; ask an administrator to add this one."))
        if not host:
            return cleaned
        numbers = numbers_normalise(phone=cleaned.get("phone", ""), fax=cleaned.get("fax", ""), host_country=str(host))
        if (
            numbers.foreign_warnings
            and not cleaned.get("numbers_reviewed")
            and (self.numbers_changed or self.instance.pk is None or self.review_before[0])
        ):
            self.add_error(
                "numbers_reviewed",
                " ".join(numbers.foreign_warnings) + " " + str(_("Correct the number, or tick this box to keep it.")),
            )
        return cleaned

    @property
    def numbers_changed(self) -> bool:
        return bool({"phone", "fax"} & set(self.changed_data))

    def save(self, commit: bool = True) -> Office:
        office = super().save(commit=False)
        if self.cleaned_data.get("numbers_reviewed"):
            office.numbers_need_review, office.numbers_review_note = False, ""
        elif office.pk and not self.numbers_changed:
            # Numbers an organiser already accepted are not flagged again by an unrelated edit.
            office.numbers_need_review, office.numbers_review_note = self.review_before
        if office.pk and office.is_verified and self.email_changed:
            # Verification vouches for the addresses that were checked; a new one must be checked again.
            office.verified_on, office.verified_by = None, ""
        if commit:
            office.save()
        return office

    @property
    def email_changed(self) -> bool:
        return self.addresses_before != office_addresses(self.instance)


def sending_state_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Sending state"),
        choices=[("", _("from the file's sending_country column")), *countries],
        required=False,
        help_text=_("For files without a sending_country column, e.g. a list of one state's embassies."),
        **kwargs,
    )


# The confirm step posts back what the preview read; only what a preview signed is imported.
CONFIRM_FIELDS = ("import_file_name", "original_file_name", "format", "resource")
CONFIRM_SALT = "embassies.admin.office-import-confirm"
CONFIRM_MAX_AGE = 24 * 60 * 60
CSV_DELIMITERS = {"csv": ",", "tsv": "\t"}


def upload_table_check(*, content: bytes, file_format: Format) -> None:
    """Raise FileUnreadable, by line where the format has lines, for a file the import could not read as a table
    with a header line. django-import-export would report it without a line, or fail on rows without a header."""
    data: bytes | str = content
    if not file_format.is_binary():
        data = text_decode(content=content)
        delimiter = CSV_DELIMITERS.get(file_format.get_title())
        if delimiter:
            for _record in csv_records_read(text=data, delimiter=delimiter):
                pass
    try:
        dataset = file_format.create_dataset(data)
    except Exception as error:  # openpyxl, PyYAML, json and tablib each raise their own kinds of error
        raise FileUnreadable(
            _("The file cannot be read as %(format)s; check the format chosen for it.")
            % {"format": file_format.get_title()}
        ) from error
    if not any(str(name or "").strip() for name in dataset.headers or []):
        raise FileUnreadable(_("Line 1 must name the columns, e.g. sending_country, host_country, kind, city."))


class OfficeImportForm(ImportForm):
    sending_state = sending_state_field()

    def __init__(self, formats: list[type[Format]], resources: list, **kwargs: Any):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload, choice = cleaned.get("import_file"), cleaned.get("format")
        if upload and choice:
            try:
                upload_table_check(content=b"".join(upload.chunks()), file_format=self.formats[int(choice)]())
            except FileUnreadable as error:
                self.add_error("import_file", str(error))
        return cleaned


class OfficeConfirmImportForm(ConfirmImportForm):
    sending_state = sending_state_field(widget=forms.HiddenInput)
    ticket = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, upload_exists: Callable[[str], bool] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.upload_exists = upload_exists
        if not self.is_bound and self.initial.get("import_file_name"):
            self.initial["ticket"] = signing.dumps(
                [str(self.initial.get(name, "")) for name in CONFIRM_FIELDS], salt=CONFIRM_SALT
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            signed = signing.loads(self.data.get("ticket", ""), salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(_("This preview is more than a day old; upload the file again.")) from None
        except signing.BadSignature:
            signed = None
        if signed != [self.data.get(name, "") for name in CONFIRM_FIELDS]:
            raise forms.ValidationError(_("This confirmation does not match the preview; upload the file again."))
        name = cleaned.get("import_file_name")
        if name and self.upload_exists and not self.upload_exists(name):
            raise forms.ValidationError(_("The uploaded file is gone (imported already?); upload it again."))
        return cleaned
