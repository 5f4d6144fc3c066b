"""The organisers' dashboard: figures by campaign, country and dates; letters per day; bounced offices; CSV."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from campaign.models import INTENT_CHANNELS, Campaign, ContactChannel
from common.spreadsheet import SpreadsheetSafeWriter
from embassies.selectors import organiser_country_codes

from ..forms import DashboardFilterForm
from ..selectors import CHANNELS, letters_per_day, offices_bounced, progress_compute

DASHBOARD_PERMISSION = "tracking.view_dashboard"


def _organiser_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged-in staff with the dashboard permission (the Organisers group has it)."""

    @wraps(view)
    def staff_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    checked = permission_required(DASHBOARD_PERMISSION, raise_exception=True)(staff_only)
    return login_required(checked, login_url="admin:login")


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    data = request.GET.copy()
    if "campaign" not in data:
        latest = Campaign.objects.order_by("-created_at").values_list("pk", flat=True).first()
        if latest is not None:
            data["campaign"] = str(latest)
    return DashboardFilterForm(data, scope_codes=organiser_country_codes(user=request.user))


@require_http_methods(["GET", "HEAD"])
@_organiser_only
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    context = {
        "form": form,
        "no_campaigns": "campaign" not in form.data,  # _filter_form picks the latest when there is one
        "channels": CHANNELS,
        "channel_labels": dict(ContactChannel.choices),
        "intent_channels": INTENT_CHANNELS,
        "soft_bounces_to_flag": settings.SOFT_BOUNCES_TO_FLAG,
        "soft_bounce_window_days": settings.SOFT_BOUNCE_WINDOW_DAYS,
    }
    if form.is_valid():
        campaign, only = form.cleaned_data["campaign"], form.progress_filter()
        context.update(
            campaign=campaign,
            progress=progress_compute(campaign=campaign, only=only),
            days=letters_per_day(campaign=campaign, only=only),
            bounced=offices_bounced(campaign=campaign, host_countries=only.host_countries),
            export_query=request.GET.urlencode(),
        )
    # Without campaigns there is nothing to filter yet: that is not the visitor's error.
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "tracking/dashboard.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@_organiser_only
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        return render(request, "tracking/dashboard.html", {"form": form}, status=400)
    campaign, only = form.cleaned_data["campaign"], form.progress_filter()
    figures = progress_compute(campaign=campaign, only=only)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="progress-{campaign.slug}-{stamp}.csv"'
    writer = SpreadsheetSafeWriter(response)
    writer.writerow(
        [
            "host_country",
            "office_id",
            "office",
            "kind",
            "city",
            *CHANNELS,
            "contacts",
            "last_contacted_at",
            "has_replied",
            "survey_replied_yes",
            "survey_answers",
        ]
    )
    for country in figures.countries:
        for office in country.offices:
            writer.writerow(
                [
                    country.code,
                    office.office_id,
                    office.name,
                    office.kind,
                    office.city,
                    *(office.counts[channel] for channel in CHANNELS),
                    office.contacts,
                    office.last_contacted_at.isoformat() if office.last_contacted_at else "",
                    int(office.has_replied),
                    office.survey_yes,
                    office.survey_total,
                ]
            )
    return response
