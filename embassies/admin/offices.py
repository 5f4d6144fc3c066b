from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from import_export.admin import ImportExportModelAdmin

from ..hours import OpeningSpan, hours_overlapping_weekdays
from ..models import Office, OfficeHours
from ..selectors import organiser_country_codes
from ..services import offices_email_flag_clear, offices_mark_verified
from .filters import EmailFlaggedFilter, HostCountryFilter, VerifiedFilter
from .forms import OfficeAdminForm, OfficeConfirmImportForm, OfficeImportForm
from .import_jobs import BackgroundImportMixin
from .resources import OfficeResource
from .scoped import CountryScopedAdmin


class OfficeHoursFormSet(BaseInlineFormSet):
    def full_clean(self) -> None:
        if self.is_bound and self.add_prefix(TOTAL_FORM_COUNT) not in self.data:
            # Posted without the hours section (a page opened before it existed, a script editing the office's other
            # fields): the hours stay as they are, rather than the whole office being refused.
            self._errors = []
            self._non_form_errors = self.error_class(error_class="nonform", renderer=self.renderer)
            return
        super().full_clean()

    def clean(self) -> None:
        super().clean()
        spans = [
            OpeningSpan(weekday=int(data["weekday"]), opens=data["opens"], closes=data["closes"])
            for data in (getattr(form, "cleaned_data", None) or {} for form in self.forms)
            if not data.get("DELETE") and all(data.get(key) is not None for key in ("weekday", "opens", "closes"))
        ]
        overlapping = hours_overlapping_weekdays(hours=spans)
        if overlapping:
            raise ValidationError(
                _("The opening hours of %(days)s overlap. Change the times or join them into one row."),
                code="hours_overlap",
                params={"days": ", ".join(str(WEEKDAYS[weekday]) for weekday in overlapping)},
            )


class OfficeHoursInline(admin.TabularInline):
    """Edited on the office's page only, so the office admin's country scope covers it."""

    model = OfficeHours
    formset = OfficeHoursFormSet
    fields = ["weekday", "opens", "closes"]
    extra = 1
    verbose_name_plural = _("Opening hours (local time at the office)")


@admin.register(Office)
class OfficeAdmin(BackgroundImportMixin, CountryScopedAdmin, ImportExportModelAdmin):
    country_scope_path = "host_country"
    inlines = [OfficeHoursInline]
    form = OfficeAdminForm
    resource_classes = [OfficeResource]
    import_form_class = OfficeImportForm
    confirm_form_class = OfficeConfirmImportForm
    list_display = [
        "name", "host_country", "kind", "city", "verified_badge", "numbers_need_review", "email_flagged", "active",
    ]  # fmt: skip
    list_filter = [
        HostCountryFilter, "kind", VerifiedFilter, "active", "numbers_need_review", EmailFlaggedFilter, "sending_country",
    ]  # fmt: skip
    search_fields = ["name", "city", "email", "other_emails", "phone", "fax"]
    readonly_fields = [
        "numbers_need_review", "numbers_review_note", "verified_on", "verified_by",
        "email_flagged_at", "email_flag_reason", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["mark_verified_today", "clear_email_flag"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["sending_country", "host_country", "kind", "name", "head_title", "head_address_form", "active"]}),
        (_("Postal address"), {"fields": ["street_lines", "postcode", "city", "address_country", "consular_district", "time_zone"]}),
        (_("Email"), {"fields": ["email", "other_emails", "email_flagged_at", "email_flag_reason"]}),
        (_("Phone and fax"), {"fields": ["phone", "fax", "numbers_need_review", "numbers_review_note", "numbers_reviewed"]}),
        (_("Web"), {"fields": ["website", "contact_form_url", "languages"]}),
        (_("Source and verification"), {"fields": ["source", "source_date", "wikidata_id", "verified_on", "verified_by", "created_at", "updated_at"]}),
    ]  # fmt: skip

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_form(
        self, request: HttpRequest, obj: Office | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"scope_codes": organiser_country_codes(user=request.user)})

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        form = kwargs.get("form")
        sending = form.cleaned_data.get("sending_state") if form is not None and hasattr(form, "cleaned_data") else None
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "scope_codes": organiser_country_codes(user=request.user),
            "sending_country": sending or None,
        }

    def get_confirm_form_kwargs(
        self, request: HttpRequest, import_form: OfficeImportForm | None = None
    ) -> dict[str, Any]:
        return {**super().get_confirm_form_kwargs(request, import_form), "upload_exists": self.import_upload_exists}

    def import_upload_exists(self, name: str) -> bool:
        """Whether the preview's temporary file is still there: a confirmation sent twice finds it removed."""
        storage = self.get_tmp_storage_class()(name=name, read_mode="rb", **self.get_tmp_storage_class_kwargs())
        try:
            return storage.read() is not None
        except OSError:
            return False

    def get_confirm_form_initial(self, request: HttpRequest, import_form: OfficeImportForm | None) -> dict[str, Any]:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is None:  # process_import rebuilds the confirm form from the POST alone
            return initial
        return {**initial, "sending_state": import_form.cleaned_data.get("sending_state", "")}

    @admin.display(description=_("verified"), ordering="verified_on")
    def verified_badge(self, office: Office) -> str:
        if office.verified_on:
            return format_html('<span title="{}">✔ {}</span>', office.verified_by, office.verified_on.isoformat())
        return format_html("<strong>{}</strong>", _("unverified"))

    @admin.display(description=_("email flagged"), boolean=True)
    def email_flagged(self, office: Office) -> bool:
        return office.email_flagged_at is not None

    @admin.action(description=_("Mark verified today"), permissions=["change"])
    def mark_verified_today(self, request: HttpRequest, queryset: QuerySet[Office]) -> None:
        count = offices_mark_verified(offices=queryset, verified_by=request.user.get_username())
        self.message_user(request, ngettext("%d office marked verified.", "%d offices marked verified.", count) % count)

    @admin.action(description=_("Clear the email flag (reviewed)"), permissions=["change"])
    def clear_email_flag(self, request: HttpRequest, queryset: QuerySet[Office]) -> None:
        count = offices_email_flag_clear(offices=queryset)
        self.message_user(request, ngettext("%d flag cleared.", "%d flags cleared.", count) % count, messages.SUCCESS)
