"""Ask supporters once whether the office replied; record the answer without linking it to them."""

import datetime
import enum
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaign.models import Letter, LetterStatus, Submission
from common.mail import mail_send
from common.queueing import task_queue_on_commit

from ..emails import survey_message_build
from ..models import LetterSurvey, SurveyAnswer
from ..tasks import reply_survey_send_task

logger = logging.getLogger(__name__)

SURVEY_SALT = "tracking.survey"
# Letters the server itself sent, and that did not bounce: only those can have been answered by mail.
SURVEYED_STATUSES = [LetterStatus.SENT, LetterStatus.DELIVERED]
SURVEY_LINK_MAX_AGE = datetime.timedelta(days=120)


class SurveyOutcome(enum.Enum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    INVALID = "invalid"
    EXPIRED = "expired"


def survey_due_letters(*, now: datetime.datetime | None = None) -> QuerySet[Letter]:
    """Letters sent at least REPLY_SURVEY_AFTER_DAYS ago whose supporter still exists and was not asked yet."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.REPLY_SURVEY_AFTER_DAYS)
    return (
        Letter.objects.filter(status__in=SURVEYED_STATUSES, sent_at__lte=cutoff, submission__erased_at__isnull=True)
        .exclude(submission__email="")
        .exclude(pk__in=LetterSurvey.objects.values("letter_id"))
    )


def survey_token_make(*, letter_survey_id: int, got_reply: bool) -> str:
    return signing.dumps({"s": letter_survey_id, "y": int(got_reply)}, salt=SURVEY_SALT)


def surveys_queue_due() -> int:
    """Queue one survey email per submission with letters due for the question."""
    submission_ids = list(survey_due_letters().values_list("submission_id", flat=True).distinct())
    for submission_id in submission_ids:
        task_queue_on_commit(reply_survey_send_task, submission_id)
    return len(submission_ids)


def survey_send(*, submission_id: int, now: datetime.datetime | None = None) -> int:
    """Send the one "did the office reply?" email for a submission's due letters. Returns how many letters it covers.

    Safe to run twice: letters already asked are skipped, so a second run sends nothing. The mail leaves after
    the rows that record the question are committed, with no row locked; if sending fails, those rows go
    again, so the retry asks.
    """
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id, erased_at__isnull=True).first()
        if submission is None or not submission.email:
            return 0
        letters = list(survey_due_letters(now=now).filter(submission=submission).select_related("office"))
        if not letters:
            return 0
        asked_at = timezone.now()
        LetterSurvey.objects.bulk_create([LetterSurvey(letter=letter, asked_at=asked_at) for letter in letters])
        surveys = {survey.letter_id: survey for survey in LetterSurvey.objects.filter(letter__in=letters)}
    questions = [
        (
            letter,
            surveys[letter.pk],
            survey_token_make(letter_survey_id=surveys[letter.pk].pk, got_reply=True),
            survey_token_make(letter_survey_id=surveys[letter.pk].pk, got_reply=False),
        )
        for letter in letters
    ]
    try:
        mail_send(survey_message_build(submission=submission, questions=questions))
    except BaseException:
        LetterSurvey.objects.filter(pk__in=[survey.pk for survey in surveys.values()], answered=False).delete()
        raise
    logger.info("Reply survey sent for submission %s (%d letters)", submission_id, len(letters))
    return len(letters)


def survey_token_read(*, token: str) -> tuple[SurveyOutcome, dict | None]:
    try:
        data = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return SurveyOutcome.EXPIRED, None
    except signing.BadSignature:
        return SurveyOutcome.INVALID, None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or data.get("y") not in (0, 1):
        return SurveyOutcome.INVALID, None
    return SurveyOutcome.RECORDED, data


def survey_answer_record(*, token: str) -> SurveyOutcome:
    """Record the answer a signed link carries. One use per letter: a second click changes nothing."""
    outcome, data = survey_token_read(token=token)
    if data is None:
        return outcome
    with transaction.atomic():
        survey = LetterSurvey.objects.select_related("letter").filter(pk=data["s"]).first()
        if survey is None:
            return SurveyOutcome.INVALID
        if not LetterSurvey.objects.filter(pk=survey.pk, answered=False).update(answered=True):
            return SurveyOutcome.ALREADY_ANSWERED
        SurveyAnswer.objects.create(
            campaign_id=survey.letter.campaign_id,
            office_id=survey.letter.office_id,
            got_reply=bool(data["y"]),
            answered_on=timezone.localdate(),
        )
    return SurveyOutcome.RECORDED
