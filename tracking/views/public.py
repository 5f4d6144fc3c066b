"""Public pages: a campaign's progress, its offices country by country, and one office's phone, fax and call script.

The progress page stays small however many offices a campaign writes to: totals, one row per country and a short
list of offices nobody has contacted yet. Every office is listed on its country's page, a page at a time.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaign.couriers import fax_courier
from campaign.models import INTENT_CHANNELS, Campaign, ContactChannel
from campaign.selectors import campaign_is_open
from common.abuse import client_ip
from common.caching import public_cacheable
from common.http import public_page
from embassies.models import Office

from ..forms import ContactReportForm
from ..progress_cache import office_progress_get, progress_for_campaign
from ..selectors import (
    CHANNELS,
    call_script_for,
    campaign_get_public,
    office_get_for_campaign,
)
from ..services import call_log

# The first page of a country is the one most visitors see: a hundred rows keep it well under 200 KB.
OFFICES_PER_PAGE = 100
UNCONTACTED_LISTED = 50


def _campaign_or_404(slug: str) -> Campaign:
    campaign = campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign


@public_page
@public_cacheable
@require_http_methods(["GET", "HEAD"])
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    figures = progress_for_campaign(campaign=campaign)
    return render(
        request,
        "tracking/progress.html",
        {
            "campaign": campaign,
            "progress": figures,
            "uncontacted": figures.uncontacted_spread(limit=UNCONTACTED_LISTED),
            **_figures_context(),
        },
    )


@public_page
@public_cacheable
@require_http_methods(["GET", "HEAD"])
def progress_country(request: HttpRequest, slug: str, cc: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    figures = progress_for_campaign(campaign=campaign)
    country = figures.country(cc.upper())
    if country is None:
        raise Http404(_("No such country."))
    try:
        page = Paginator(country.offices, OFFICES_PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(_("No such page.")) from None
    return render(
        request,
        "tracking/progress_country.html",
        {"campaign": campaign, "progress": figures, "country": country, "page": page, **_figures_context()},
    )


def _figures_context() -> dict:
    return {
        "progress_cache_minutes": max(1, round(settings.PROGRESS_CACHE_SECONDS / 60)),
        "channels": CHANNELS,
        "channel_labels": dict(ContactChannel.choices),
        "intent_channels": INTENT_CHANNELS,
    }


def _office_page(request: HttpRequest, *, campaign: Campaign, office: Office, status: int = 200) -> HttpResponse:
    return render(
        request,
        "tracking/office.html",
        {
            "campaign": campaign,
            "office": office,
            "figures": office_progress_get(campaign=campaign, office=office),
            "call_script": call_script_for(campaign=campaign),
            "counts_open": campaign_is_open(campaign=campaign),
            "fax_sending": bool(office.fax) and fax_courier().sending_available(host_country=office.host_country.code),
            "channels": CHANNELS,
            "channel_labels": dict(ContactChannel.choices),
            "intent_channels": INTENT_CHANNELS,
        },
        status=status,
    )


def _campaign_and_office(slug: str, office_id: int) -> tuple[Campaign, Office]:
    campaign = _campaign_or_404(slug)
    office = office_get_for_campaign(campaign=campaign, office_id=office_id)
    if office is None:
        raise Http404(_("This campaign does not write to that office."))
    return campaign, office


@public_page
@require_http_methods(["GET", "HEAD"])
def office_page(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    campaign, office = _campaign_and_office(slug, office_id)
    return _office_page(request, campaign=campaign, office=office)


@public_page
@require_POST
def office_contact_report(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    campaign, office = _campaign_and_office(slug, office_id)
    form = ContactReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["channel"][0])
        return _office_page(request, campaign=campaign, office=office, status=400)
    channel = form.cleaned_data["channel"]
    try:
        counted = call_log(campaign=campaign, office=office, channel=channel, client_ip=client_ip(request))
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return _office_page(request, campaign=campaign, office=office, status=400)
    if not counted:
        messages.error(request, _("You have reported many calls and faxes in the last hour. Please try again later."))
        return _office_page(request, campaign=campaign, office=office, status=429)
    if channel == ContactChannel.CALL:
        messages.success(request, _("Thank you for calling. Your call has been counted."))
    else:
        messages.success(request, _("Thank you for sending a fax. It has been counted."))
    return redirect("tracking:office", slug=campaign.slug, office_id=office.pk)
