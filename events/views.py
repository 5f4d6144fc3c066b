"""Public event pages, the proposal form, "I'll come", photos and calendar feeds. Thin: reads in selectors,
writes in services. Only approved events are ever shown; the organisers' contact never leaves the admin."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from django_countries.fields import Country

from common.abuse import client_ip
from common.http import public_page
from embassies.selectors import country_code_known, country_office_counts

from .forms import EventProposalForm, RsvpForm
from .ics import events_calendar
from .models import Event
from .selectors import (
    event_campaign_get,
    event_get_public,
    event_list_for_feed,
    event_list_past,
    event_list_upcoming,
    event_list_upcoming_by_country,
    event_photo_get_public,
    event_proposal_choices,
)
from .services import EventRateLimited, RsvpOutcome, event_propose, event_rsvp

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _country_or_404(cc: str) -> Country:
    if not country_code_known(code=cc):
        raise Http404(_("No such country."))
    return Country(cc.upper())


def _event_or_404(event_id: int) -> Event:
    event = event_get_public(event_id=event_id)
    if event is None:
        raise Http404(_("No such event."))
    return event


@public_page
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/event_list.html",
        {"by_country": event_list_upcoming_by_country(), "countries": country_office_counts()},
    )


@public_page
@require_GET
def country_events(request: HttpRequest, cc: str) -> HttpResponse:
    country = _country_or_404(cc)
    return render(
        request,
        "events/country.html",
        {
            "country": country,
            "upcoming": event_list_upcoming(host_country=country.code),
            "past": event_list_past(host_country=country.code),
        },
    )


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_form(request: HttpRequest, cc: str) -> HttpResponse:
    country = _country_or_404(cc)
    campaigns, offices = event_proposal_choices(host_country=country.code)
    form_options = {"host_country": country.code, "campaigns": campaigns, "offices": offices}
    if request.method != "POST":
        form = EventProposalForm(**form_options)
        return _proposal_page(request, form=form, country=country)
    form = EventProposalForm(request.POST, **form_options)
    if not form.is_valid():
        return _proposal_page(request, form=form, country=country, status=400)
    data = form.cleaned_data
    try:
        event_propose(
            campaign=data["campaign"],
            office=data["office"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            meeting_point=data["meeting_point"],
            description=data["description"],
            organiser_contact=data["organiser_contact"],
            client_ip=client_ip(request),
        )
    except EventRateLimited:
        form.add_error(None, _("Many events were proposed from your network in the last hour. Please try later."))
        return _proposal_page(request, form=form, country=country, status=429)
    except ValidationError as refusal:
        form.add_error(None, refusal.messages[0])
        return _proposal_page(request, form=form, country=country, status=400)
    return redirect("events:event_proposed", cc=country.code.lower())


def _proposal_page(
    request: HttpRequest, *, form: EventProposalForm, country: Country, status: int = 200
) -> HttpResponse:
    return render(request, "events/propose.html", {"form": form, "country": country}, status=status)


@public_page
@require_GET
def event_proposed(request: HttpRequest, cc: str) -> HttpResponse:
    return render(request, "events/proposed.html", {"country": _country_or_404(cc)})


def _detail_page(
    request: HttpRequest, *, event: Event, form: RsvpForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "events/detail.html",
        {"event": event, "rsvp_form": form or RsvpForm(), "photos": list(event.photos.all())},
        status=status,
    )


@public_page
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    return _detail_page(request, event=_event_or_404(event_id))


@public_page
@require_POST
def event_rsvp_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(event_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.non_field_errors()[0] if form.non_field_errors() else _("Please try again."))
        return _detail_page(request, event=event, form=form, status=400)
    try:
        outcome = event_rsvp(event=event, client_ip=client_ip(request))
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return _detail_page(request, event=event, status=400)
    if outcome == RsvpOutcome.ALREADY_COUNTED:
        messages.info(request, _("You already said you will come. Thank you!"))
        return _detail_page(request, event=event, status=429)
    if outcome == RsvpOutcome.TOO_MANY:
        messages.error(request, _("Many replies came from your network in the last hour. Please try again later."))
        return _detail_page(request, event=event, status=429)
    messages.success(request, _("Thank you. You have been counted, anonymously."))
    return redirect("events:event_detail", event_id=event.pk)


@public_page
@require_GET
def event_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = event_photo_get_public(photo_id=photo_id)
    if photo is None or not photo.image:
        raise Http404(_("No such photo."))
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("No such photo.")) from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def _ics_response(*, events: list[Event], name: str, filename: str) -> HttpResponse:
    content = events_calendar(
        events=events,
        name=name,
        site_url=settings.SITE_URL.rstrip("/"),
        url_for=lambda event: reverse("events:event_detail", args=[event.pk]),
    )
    response = HttpResponse(content, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public_page
@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(event_id)
    return _ics_response(events=[event], name=event.office.name, filename=f"event-{event.pk}.ics")


@public_page
@require_GET
def country_ics(request: HttpRequest, cc: str) -> HttpResponse:
    country = _country_or_404(cc)
    return _ics_response(
        events=event_list_for_feed(host_country=country.code),
        name=_("Events in %(country)s") % {"country": country.name},
        filename=f"events-{country.code.lower()}.ics",
    )


@public_page
@require_GET
def campaign_ics(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = event_campaign_get(slug=slug)
    if campaign is None:
        raise Http404(_("No such campaign."))
    return _ics_response(
        events=event_list_for_feed(campaign=campaign),
        name=_("Events: %(campaign)s") % {"campaign": campaign.title},
        filename=f"events-{campaign.slug}.ics",
    )
