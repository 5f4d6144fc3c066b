"""Ask supporters once whether the office replied; record the answer without linking it to them."""

import datetime
import enum
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaign.models import Letter, LetterStatus, Submission
from campaign.tokens import opaque_token, token_hash, token_lookup_hash
from common.mail import mail_send
from common.queueing import task_queue_on_commit

from ..emails import survey_message_build
from ..models import LetterSurvey, SurveyAnswer
from ..tasks import reply_survey_send_task

logger = logging.getLogger(__name__)

# One purpose per answer: the "no" link's token tells nothing about the "yes" link's.
YES_PURPOSE = "tracking.survey.yes"
NO_PURPOSE = "tracking.survey.no"
# Letters the server itself sent, and that did not bounce: only those can have been answered by mail.
SURVEYED_STATUSES = [LetterStatus.SENT, LetterStatus.DELIVERED]
SURVEY_LINK_MAX_AGE = datetime.timedelta(days=120)
# A question recorded this long ago and never mailed was left by a worker that died: the next run asks it again.
SURVEY_STRANDED_AFTER = datetime.timedelta(minutes=15)


class SurveyOutcome(enum.Enum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    INVALID = "invalid"
    EXPIRED = "expired"


def survey_due_letters(*, now: datetime.datetime | None = None) -> QuerySet[Letter]:
    """Letters sent at least REPLY_SURVEY_AFTER_DAYS ago whose supporter still exists and was not asked yet, or
    whose question a worker recorded and then died before mailing (after SURVEY_STRANDED_AFTER)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REPLY_SURVEY_AFTER_DAYS)
    asked = LetterSurvey.objects.filter(Q(mailed_at__isnull=False) | Q(asked_at__gt=now - SURVEY_STRANDED_AFTER))
    return (
        Letter.objects.filter(status__in=SURVEYED_STATUSES, sent_at__lte=cutoff, submission__erased_at__isnull=True)
        .exclude(submission__email="")
        .exclude(pk__in=asked.values("letter_id"))
    )


def survey_token_make(*, survey: LetterSurvey, got_reply: bool) -> str:
    return opaque_token(purpose=YES_PURPOSE if got_reply else NO_PURPOSE, parts=(survey.pk, survey.asked_at))


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
        # A stranded question (its worker died before mailing) is asked afresh, with new links.
        LetterSurvey.objects.filter(letter__in=letters, mailed_at__isnull=True).delete()
        LetterSurvey.objects.bulk_create([LetterSurvey(letter=letter, asked_at=asked_at) for letter in letters])
        surveys = {survey.letter_id: survey for survey in LetterSurvey.objects.filter(letter__in=letters)}
        tokens = {}
        for survey in surveys.values():
            yes = survey_token_make(survey=survey, got_reply=True)
            no = survey_token_make(survey=survey, got_reply=False)
            survey.yes_token_hash, survey.no_token_hash = token_hash(yes), token_hash(no)
            tokens[survey.letter_id] = (yes, no)
        LetterSurvey.objects.bulk_update(surveys.values(), ["yes_token_hash", "no_token_hash"])
    questions = [(letter, surveys[letter.pk], *tokens[letter.pk]) for letter in letters]
    try:
        mail_send(survey_message_build(submission=submission, questions=questions))
    except BaseException:
        LetterSurvey.objects.filter(pk__in=[survey.pk for survey in surveys.values()], answered=False).delete()
        raise
    LetterSurvey.objects.filter(pk__in=[survey.pk for survey in surveys.values()]).update(mailed_at=timezone.now())
    logger.info("Reply survey sent for submission %s (%d letters)", submission_id, len(letters))
    return len(letters)


def survey_answer_record(*, token: str) -> SurveyOutcome:
    """Record the answer a link carries. One use per letter: a second click, on either link, changes nothing."""
    hashed = token_lookup_hash(token)
    if hashed is None:
        return SurveyOutcome.INVALID
    with transaction.atomic():
        survey = (
            LetterSurvey.objects.select_related("letter")
            .filter(Q(yes_token_hash=hashed) | Q(no_token_hash=hashed))
            .first()
        )
        if survey is None:
            return SurveyOutcome.INVALID
        if timezone.now() - survey.asked_at > SURVEY_LINK_MAX_AGE:
            return SurveyOutcome.EXPIRED
        if not LetterSurvey.objects.filter(pk=survey.pk, answered=False).update(answered=True):
            return SurveyOutcome.ALREADY_ANSWERED
        SurveyAnswer.objects.create(
            campaign_id=survey.letter.campaign_id,
            office_id=survey.letter.office_id,
            got_reply=survey.yes_token_hash == hashed,
            answered_on=timezone.localdate(),
        )
    return SurveyOutcome.RECORDED
