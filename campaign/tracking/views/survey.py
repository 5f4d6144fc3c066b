"""The "did the embassy reply?" answer links from the survey email."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..selectors import letter_survey_get
from ..services import survey_answer_record
from ..services.survey import SurveyOutcome, survey_token_read

OUTCOME_STATUS = {
    SurveyOutcome.RECORDED: 200,
    SurveyOutcome.ALREADY_ANSWERED: 200,
    SurveyOutcome.INVALID: 400,
    SurveyOutcome.EXPIRED: 410,
}


@require_http_methods(["GET", "HEAD", "POST"])
def survey_answer(request, token: str):
    """GET asks to confirm, POST records.

    Mail scanners open links in emails; if a GET recorded the answer they would answer "yes" and "no" for people.
    """
    if request.method == "POST":
        outcome = survey_answer_record(token=token)
        return render(request, "tracking/survey_done.html", {"outcome": outcome.value}, status=OUTCOME_STATUS[outcome])
    outcome, data = survey_token_read(token=token)
    if data is None:
        return render(request, "tracking/survey_done.html", {"outcome": outcome.value}, status=OUTCOME_STATUS[outcome])
    survey = letter_survey_get(survey_id=data["s"])
    if survey is None:
        return render(request, "tracking/survey_done.html", {"outcome": SurveyOutcome.INVALID.value}, status=400)
    if survey.answered:
        return render(request, "tracking/survey_done.html", {"outcome": SurveyOutcome.ALREADY_ANSWERED.value})
    return render(
        request, "tracking/survey_confirm.html", {"office": survey.letter.office, "got_reply": bool(data["y"])}
    )
