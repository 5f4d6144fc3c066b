"""After sending by email: check your inbox, confirm (double opt-in), see each letter's status."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from common.http import public_page

from ..models import LetterStatus
from ..selectors import letter_list_for_submission
from ..services import submission_confirm as submission_confirm_service
from ..services.submissions import ConfirmOutcome, submission_from_status_token, submission_status_token
from ..shortcuts import campaign_open_or_404

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
def submission_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    if request.method == "HEAD":
        return HttpResponse()  # link checkers in mail systems probe with HEAD; only a person's GET confirms
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "HEAD"])
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
    if submission is None or submission.campaign.slug != slug:
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
        },
    )
