"""Supporter pages: campaign list, campaign page, the letter form (preview, email, mailto, contact forms). No
JavaScript needed."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.abuse import GuardUnavailable, browser_key, client_ip
from common.caching import public_cacheable
from common.converters import database_id_parse
from common.http import public_page
from embassies.links import web_url
from embassies.models import Office

from ..couriers import fax_courier
from ..forms import (
    CHANNEL_CONTACT_FORM,
    CHANNEL_EMAIL,
    CHANNEL_FAX,
    CHANNEL_MAILTO,
    CHANNEL_PREVIEW,
    OUTBOX_CHANNELS,
    LetterForm,
    letter_prefill_initial,
)
from ..mailto import mailto_url
from ..models import Campaign, ContactChannel
from ..rendering import RenderedLetter, letter_drafts_render
from ..selectors import campaign_host_countries, campaign_list_open
from ..services import SenderVerdict, contacts_mark_once_a_day, submission_create, submission_sender_check
from ..shortcuts import campaign_open_or_404, letter_page_context

ACTIONS = {
    "preview": CHANNEL_PREVIEW,
    "email": CHANNEL_EMAIL,
    "fax": CHANNEL_FAX,
    "mailto": CHANNEL_MAILTO,
    "contact_form": CHANNEL_CONTACT_FORM,
}
SENT_TO_TAG = "sent-to"  # templates/campaign/check_inbox.html shows this message's address
ACTION_LANGUAGE = "language"  # show the letter in the chosen language; nothing is checked or sent yet


@public_page
@public_cacheable
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/campaign_list.html", {"campaigns": campaign_list_open()})


@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaign/privacy.html",
        {
            "retention_days": settings.RETENTION_SUPPORTER_DAYS,
            "unconfirmed_days": settings.RETENTION_UNCONFIRMED_DAYS,
        },
    )


@public_page
@public_cacheable
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    countries = campaign_host_countries(campaign=campaign)
    chosen = (request.GET.get("country") or "").upper()
    if chosen:
        if chosen in {code for code, _name in countries}:
            return redirect("campaign:letter_form", slug=campaign.slug, cc=chosen.lower())
        return render(
            request,
            "campaign/campaign_detail.html",
            {
                "campaign": campaign,
                "countries": countries,
                "country_error": _("Please choose a country from the list."),
            },
        )
    return render(request, "campaign/campaign_detail.html", {"campaign": campaign, "countries": countries})


@public_page
def letter_form(request: HttpRequest, slug: str, cc: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    context = letter_page_context(campaign=campaign, cc=cc)
    host_country = cc.upper()
    if request.method != "POST":
        initial = letter_prefill_initial(query=request.GET)
        form = LetterForm(campaign=campaign, host_country=host_country, channel=CHANNEL_EMAIL, initial=initial)
        return _letter_page(request, form=form, context=context)
    action = request.POST.get("action", "")
    if action == ACTION_LANGUAGE:
        form = LetterForm.language_switched(request.POST, campaign=campaign, host_country=host_country)
        return _letter_page(request, form=form, context=context)
    channel = ACTIONS.get(action, CHANNEL_PREVIEW)
    form = LetterForm(request.POST, campaign=campaign, host_country=host_country, channel=channel)
    if not form.is_valid():
        return _letter_page(request, form=form, context=context)
    if channel in OUTBOX_CHANNELS:
        return _outbox_submit(request, campaign=campaign, form=form, context=context)
    if channel in SELF_SENT:
        return _self_sent_page(request, campaign=campaign, form=form, context=context, way=SELF_SENT[channel])
    return _letter_page(request, form=form, context={**context, "drafts": _drafts(form)})


def _letter_page(request: HttpRequest, *, form: LetterForm, context: dict, status: int = 200) -> HttpResponse:
    letter = form.sample_letter(on_date=timezone.localdate())
    template = form.chosen_template()
    context = {
        **context,
        "form": form,
        "sample": letter,
        "letter_is_draft": bool(template and not template.reviewed),
        "contact_forms_offered": any(web_url(office.contact_form_url) for office in form.office_list),
        "fax_offices": [office for office in form.chosen_offices() if office.fax],
        "fax_sending": any(office.fax for office in form.office_list)
        and fax_courier().sending_available(host_country=form.host_country),
    }
    return render(request, "campaign/letter_form.html", context, status=status)


def _drafts(form: LetterForm) -> list[tuple[Office, RenderedLetter]]:
    data = form.cleaned_data
    return letter_drafts_render(
        template=data["template"],
        offices=data["offices"],
        supporter_name=data["name"],
        supporter_city=data["city"],
        on_date=timezone.localdate(),
        subject=data["subject"],
        body=data["body"],
        personal_paragraph=data["personal_paragraph"],
    )


def _outbox_submit(request: HttpRequest, *, campaign: Campaign, form: LetterForm, context: dict) -> HttpResponse:
    """Send by email or by fax: the campaign sends the letters once the supporter confirms their address."""
    data = form.cleaned_data
    try:
        verdict = submission_sender_check(client_ip=client_ip(request), email=data["email"])
        proof_missing = verdict == SenderVerdict.PROOF_NEEDED and not form.proof_of_work_passed()
    except GuardUnavailable:
        # The letter stays on the page: the supporter can try again, or take the mail-app or PDF channel.
        form.add_error(
            None,
            _(
                "Sending by email is paused for a few minutes. Nothing was stored; your letter is still here. Please try again shortly."
            ),
        )
        return _letter_page(request, form=form, context=context, status=503)
    if verdict == SenderVerdict.REFUSED:
        form.add_error(None, _("Too many letters were sent from here in a short time. Please try again in an hour."))
        return _letter_page(request, form=form, context=context, status=429)
    if proof_missing:
        form.proof_of_work_demand()
        form.add_error(
            None,
            _(
                "Many letters were sent from your network in the last hour (a shared connection, perhaps). To tell "
                "people from spam robots, your browser now does a short automatic check: wait a few seconds, then "
                "press “%(button)s” again."
            )
            % {"button": _("Send by fax") if form.channel == CHANNEL_FAX else _("Send by email")},
        )
        return _letter_page(request, form=form, context=context, status=429)
    submission_create(
        campaign=campaign,
        template=data["template"],
        offices=data["offices"],
        name=data["name"],
        city=data["city"],
        email=data["email"],
        subject=data["subject"],
        body=data["body"],
        personal_paragraph=data["personal_paragraph"],
        send_copy=data["send_copy"],
        share_email=data["share_email"],
        interface_language=translation.get_language() or settings.LANGUAGE_CODE,
        channel=OUTBOX_CHANNELS[form.channel],
    )
    # The next page names the address, so a typo shows. It rides in the one-time messages cookie: nothing is kept.
    messages.info(request, data["email"], extra_tags=SENT_TO_TAG)
    return redirect("campaign:check_inbox", slug=campaign.slug)


@dataclass(frozen=True)
class SelfSentWay:
    """A way the supporter sends the letters themselves, one office at a time, and tells us so to be counted."""

    template: str
    counted_as: ContactChannel
    link: Callable[[Office, RenderedLetter], str]  # "" for an office this way cannot reach


SELF_SENT = {
    CHANNEL_MAILTO: SelfSentWay(
        template="campaign/mailto.html",
        counted_as=ContactChannel.MAILTO,
        link=lambda office, letter: (
            mailto_url(to=office.email, subject=letter.subject, body=letter.text) if office.email else ""
        ),
    ),
    CHANNEL_CONTACT_FORM: SelfSentWay(
        template="campaign/contact_forms.html",
        counted_as=ContactChannel.CONTACT_FORM,
        link=lambda office, letter: web_url(office.contact_form_url),
    ),
}


def _self_sent_page(
    request: HttpRequest, *, campaign: Campaign, form: LetterForm, context: dict, way: SelfSentWay
) -> HttpResponse:
    """One link per office. The posted letter only passes through; "I sent it" counts anonymously."""
    links = {office.pk: (office, rendered, way.link(office, rendered)) for office, rendered in _drafts(form)}
    reachable = {office_id for office_id, (_office, _letter, link) in links.items() if link}
    marked = {database_id_parse(value) for value in request.POST.getlist("marked")} & reachable
    notice = ""
    mark_id = database_id_parse(request.POST.get("mark_sent", ""))
    if mark_id in reachable and mark_id not in marked:
        office = links[mark_id][0]
        counted = contacts_mark_once_a_day(
            campaign=campaign,
            offices=[office],
            channel=way.counted_as,
            client_ip=client_ip(request),
            browser=browser_key(request),
            per_ip_limit=settings.RATE_LIMIT_MARKS_PER_IP,
        )
        if counted:
            notice = _("Thank you. Your letter to %(office)s is counted, anonymously.") % {"office": office.name}
        else:
            notice = _("Thank you. We had already counted this.")
        marked.add(office.pk)
    letters = [
        {"office": office, "letter": rendered, "link": link, "marked": office.pk in marked}
        for office, rendered, link in links.values()
        if link
    ]
    unreachable = [office for office, _letter, link in links.values() if not link]
    return render(
        request,
        way.template,
        {
            **context,
            "form": form,
            "letters": letters,
            "unreachable": unreachable,
            "marked": sorted(marked),
            "notice": notice,
        },
    )
