"""After sending by email: check your inbox, confirm (double opt-in), see each letter's status."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from common.abuse import client_ip
from common.http import public_page

from ..forms import ForgetRequestForm
from ..models import LetterStatus
from ..selectors import campaign_localised, letter_list_for_submission
from ..services import forget_links_request, submission_from_forget_token, submission_personal_data_forget
from ..services import submission_confirm as submission_confirm_service
from ..services.submissions import ConfirmOutcome, submission_from_status_token
from ..shortcuts import campaign_open_or_404
from ..tokens import submission_forget_token, submission_status_token

IN_PROGRESS = {LetterStatus.PENDING, LetterStatus.QUEUED, LetterStatus.SENDING}


@public_page
def check_inbox(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    return render(
        request,
        "campaign/check_inbox.html",
        {"campaign": campaign, "valid_hours": settings.CONFIRMATION_MAX_AGE_HOURS},
    )


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def submission_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The link opens a page with one button; only its POST confirms. Mail scanners that open every link (GET or
    HEAD) confirm nothing."""
    if request.method != "POST":
        return render(request, "campaign/confirm.html", {"campaign": campaign_open_or_404(slug)})
    result = submission_confirm_service(
        token=token, interface_language=translation.get_language() or settings.LANGUAGE_CODE
    )
    if result.outcome == ConfirmOutcome.CONFIRMED:
        status_token = submission_status_token(submission=result.submission)
        return redirect("campaign:letter_status", slug=result.submission.campaign.slug, token=status_token)
    status_url = None
    if result.outcome == ConfirmOutcome.ALREADY_CONFIRMED:
        status_url = reverse(
            "campaign:letter_status",
            args=[result.submission.campaign.slug, submission_status_token(submission=result.submission)],
        )
    return render(
        request,
        "campaign/confirm_failed.html",
        {
            "outcome": result.outcome.value,
            "status_url": status_url,
            "retention_days": settings.RETENTION_UNCONFIRMED_DAYS,
        },
        status=200 if result.outcome == ConfirmOutcome.ALREADY_CONFIRMED else 400,
    )


@public_page
def letter_status(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    submission = submission_from_status_token(token=token)
    # After erasure the link shows nothing: which offices someone wrote to is theirs to erase too.
    if submission is None or submission.campaign.slug != slug or submission.erased_at is not None:
        return render(request, "campaign/status_unknown.html", status=404)
    letters = letter_list_for_submission(submission=submission)
    return render(
        request,
        "campaign/letter_status.html",
        {
            "campaign": submission.campaign,
            "letters": letters,
            "in_progress": any(letter.status in IN_PROGRESS for letter in letters),
            "retention_days": settings.RETENTION_SUPPORTER_DAYS,
            "forget_url": reverse(
                "campaign:submission_forget", args=[slug, submission_forget_token(submission=submission)]
            ),
        },
    )


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def submission_forget(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The erase link from every email: a page with one button; only the button's POST erases (link scanners GET).

    It works after the campaign closed, and again after erasure (then there is nothing left to do)."""
    submission = submission_from_forget_token(token=token)
    if submission is None or submission.campaign.slug != slug:
        return render(request, "campaign/status_unknown.html", status=404)
    erased = submission.erased_at is not None
    if request.method == "POST":
        submission_personal_data_forget(submission=submission)
        erased = True
    context = {"campaign": campaign_localised(campaign=submission.campaign), "erased": erased}
    return render(request, "campaign/forget.html", context)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def forget_request(request: HttpRequest) -> HttpResponse:
    """Ask for the erase links by address. The answer never says whether the address wrote."""
    form = ForgetRequestForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        forget_links_request(
            email=form.cleaned_data["email"],
            client_ip=client_ip(request),
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        sent = True
    return render(request, "campaign/forget_request.html", {"form": form, "sent": sent})
