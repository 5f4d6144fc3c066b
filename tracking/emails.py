"""The emails of tracking: a reply forwarded to its supporter, the "did the embassy reply?" question, and the
notice to organisers when an office's address is flagged. Templates live in templates/tracking/emails/."""

from django.conf import settings
from django.urls import reverse

from anymail.message import AnymailMessage

from campaign.emails import campaign_sender, site_url, site_url_reverse, submission_forget_url
from campaign.models import Letter, Submission
from common.mail import Attachment, mail_intent
from embassies.models import Office

from .models import LetterSurvey, Reply

REPLY_FORWARD = mail_intent("tracking/emails/reply_forward", tag="reply-forward")
SURVEY = mail_intent("tracking/emails/survey", tag="survey")
OFFICE_EMAIL_FLAGGED = mail_intent("tracking/emails/office_email_flagged", tag="organiser-notice")

# ESPs refuse larger messages (Postmark: 10 MB including encoding).
FORWARD_ATTACHMENTS_MAX_BYTES = 7 * 1024 * 1024


def reply_forward_message_build(*, reply: Reply, submission: Submission) -> AnymailMessage:
    stored = list(reply.attachments.all())
    too_large = sum(attachment.size for attachment in stored) > FORWARD_ATTACHMENTS_MAX_BYTES
    attachments = []
    if not too_large:
        for attachment in stored:
            with attachment.file.open("rb") as handle:
                attachments.append(Attachment(attachment.filename, handle.read(), attachment.content_type))
    return REPLY_FORWARD.build(
        to=[submission.email],
        from_email=campaign_sender(submission.campaign, language=submission.mail_language),
        language=submission.mail_language,
        context={
            "reply": reply,
            "office": reply.office,
            "attachments_too_large": too_large,
            "forget_url": submission_forget_url(submission=submission, language=submission.mail_language),
        },
        attachments=attachments,
    )


def survey_answer_url(*, token: str, language: str) -> str:
    return site_url_reverse("tracking:survey_answer", args=[token], language=language)


def survey_message_build(
    *, submission: Submission, questions: list[tuple[Letter, LetterSurvey, str, str]]
) -> AnymailMessage:
    """questions: (letter, its survey row, the "yes" token, the "no" token) per office asked about."""
    return SURVEY.build(
        to=[submission.email],
        from_email=campaign_sender(submission.campaign, language=submission.mail_language),
        language=submission.mail_language,
        context={
            "questions": [
                {
                    "office": letter.office,
                    "yes_url": survey_answer_url(token=yes, language=submission.mail_language),
                    "no_url": survey_answer_url(token=no, language=submission.mail_language),
                }
                for letter, _survey, yes, no in questions
            ],
            "forget_url": submission_forget_url(submission=submission, language=submission.mail_language),
        },
    )


def office_email_flagged_message_build(*, office: Office, reason: str, to: list[str]) -> AnymailMessage:
    return OFFICE_EMAIL_FLAGGED.build(
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        language=settings.LANGUAGE_CODE,
        context={
            "office": office,
            "reason": reason,
            "admin_url": site_url(reverse("admin:embassies_office_change", args=[office.pk])),
        },
    )
