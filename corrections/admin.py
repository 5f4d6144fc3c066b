"""The review queue: organisers accept or reject the problem reports of their own countries."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_countries.fields import Country

from embassies.admin.scoped import CountryScopedAdmin

from .models import OfficeReport
from .services.reports import ReviewOutcome, office_report_accept, office_report_reject, office_reports_review

PROPOSED_FIELDS = [
    "proposed_street_lines", "proposed_postcode", "proposed_city", "proposed_email", "proposed_phone",
]  # fmt: skip
ACCEPT_BUTTON, REJECT_BUTTON = "_accept", "_reject"


class ReportCountryFilter(admin.SimpleListFilter):
    """The countries of this organiser's reports, by name."""

    title = _("host country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        codes = model_admin.get_queryset(request).values_list("office__host_country", flat=True).distinct().order_by()
        return sorted(((str(code), str(Country(code).name)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[OfficeReport]) -> QuerySet[OfficeReport]:
        return queryset.filter(office__host_country=self.value()) if self.value() else queryset


@admin.register(OfficeReport)
class OfficeReportAdmin(CountryScopedAdmin):
    country_scope_path = "office__host_country"
    change_form_template = "corrections/admin/report_change_form.html"
    list_display = ["created_at", "office_link", "kind", "status", "resolved_at"]
    list_filter = ["status", "kind", ReportCountryFilter]
    list_select_related = ["office"]
    search_fields = ["office__name", "office__city", "details"]
    actions = ["accept", "reject"]
    fieldsets = [
        (None, {"fields": ["office_link", "current_values", "kind", "details", "created_at"]}),
        (_("Proposed change (you may correct it before accepting)"), {"fields": PROPOSED_FIELDS}),
        (_("Reporter"), {"fields": ["reporter_email"]}),
        (_("Review"), {"fields": ["status", "resolution_note", "resolved_by", "resolved_at"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from the public form

    def get_readonly_fields(self, request: HttpRequest, obj: OfficeReport | None = None) -> list[str]:
        fixed = ["office_link", "current_values", "kind", "details", "created_at", "reporter_email", "status"]
        fixed += ["resolved_by", "resolved_at"]
        if obj is not None and not obj.is_open:
            fixed += [*PROPOSED_FIELDS, "resolution_note"]
        return fixed

    @admin.display(description=_("office"), ordering="office__name")
    def office_link(self, report: OfficeReport) -> str:
        url = reverse("admin:embassies_office_change", args=[report.office_id])
        return format_html('<a href="{}">{}</a> ({})', url, report.office.name, report.office.city)

    @admin.display(description=_("the directory now"))
    def current_values(self, report: OfficeReport) -> str:
        office = report.office
        return format_html(
            "{}<br>{} {}<br>{}<br>{}<br>{}",
            office.street_lines or "—",
            office.postcode,
            office.city,
            office.email or "—",
            office.phone or "—",
            _("active") if office.active else _("closed"),
        )

    def response_change(self, request: HttpRequest, obj: OfficeReport) -> HttpResponse:
        if ACCEPT_BUTTON not in request.POST and REJECT_BUTTON not in request.POST:
            return super().response_change(request, obj)
        review = office_report_accept if ACCEPT_BUTTON in request.POST else office_report_reject
        outcome = review(report=obj, user=request.user, note=obj.resolution_note)
        self._outcome_tell(request, outcome)
        if outcome.applied:
            return HttpResponseRedirect(reverse("admin:corrections_officereport_changelist"))
        return HttpResponseRedirect(request.path)

    def _outcome_tell(self, request: HttpRequest, outcome: ReviewOutcome) -> None:
        if outcome.applied:
            self.message_user(request, _("Report %(id)s resolved.") % {"id": outcome.report.pk}, messages.SUCCESS)
            return
        self.message_user(
            request,
            _("Report %(id)s was not applied: %(reasons)s")
            % {"id": outcome.report.pk, "reasons": " ".join(outcome.errors)},
            messages.ERROR,
        )

    @admin.action(description=_("Accept: apply the proposed change"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[OfficeReport]) -> None:
        self._review_many(request, queryset, accept=True)

    @admin.action(description=_("Reject: change nothing"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[OfficeReport]) -> None:
        self._review_many(request, queryset, accept=False)

    def _review_many(self, request: HttpRequest, queryset: QuerySet[OfficeReport], *, accept: bool) -> None:
        outcomes = office_reports_review(reports=queryset, user=request.user, accept=accept)
        done = sum(outcome.applied for outcome in outcomes)
        self.message_user(
            request, ngettext("%d report resolved.", "%d reports resolved.", done) % done, messages.SUCCESS
        )
        for outcome in outcomes:
            if not outcome.applied:
                self._outcome_tell(request, outcome)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        report = context.get("original")
        context["review_buttons"] = isinstance(report, OfficeReport) and report.is_open
        return super().render_change_form(request, context, *args, **kwargs)
