"""The "did the embassy reply?" answer links from the survey email."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from common.http import public_page

from ..services import survey_answer_record
from ..services.survey import SurveyOutcome

OUTCOME_STATUS = {
    SurveyOutcome.RECORDED: 200,
    SurveyOutcome.ALREADY_ANSWERED: 200,
    SurveyOutcome.INVALID: 400,
    SurveyOutcome.EXPIRED: 410,
}


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The link opens a page with one button; its POST records the answer, once. Mail scanners that open every
    link (GET or HEAD) record nothing."""
    if request.method == "HEAD":
        return HttpResponse()
    if request.method == "GET":
        return render(request, "tracking/survey_confirm.html")
    outcome = survey_answer_record(token=token)
    return render(request, "tracking/survey_done.html", {"outcome": outcome.value}, status=OUTCOME_STATUS[outcome])
