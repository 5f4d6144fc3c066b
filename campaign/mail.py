"""The emails the campaign sends: letters to offices, confirmation and copy to the supporter."""

from anymail.message import AnymailMessage

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Letter, ReplyCapture, Submission
from .rendering import RenderedLetter, letter_render
from .senders import address_format

# Metadata key the ESP keeps with each letter, so a possibly-sent letter can be looked up before resending.
LETTER_REF_METADATA = "letter_ref"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def letter_reply_address(letter: Letter) -> str:
    return f"{letter.reply_token}@{settings.REPLY_DOMAIN}"


def letter_rendered(letter: Letter) -> RenderedLetter:
    submission = letter.submission
    return letter_render(
        subject=submission.subject,
        body=submission.body,
        closing=_template_closing(submission),
        office=letter.office,
        language=submission.language,
        supporter_name=submission.name,
        supporter_city=submission.city,
        personal_paragraph=submission.personal_paragraph,
        on_date=timezone.localdate(submission.created_at),
    )


def _template_closing(submission: Submission) -> str:
    template = submission.campaign.templates.filter(language=submission.language).first()
    return template.closing if template else ""


def letter_message_build(letter: Letter) -> AnymailMessage:
    """One message to one office. Reply-To follows the campaign's reply capture setting."""
    submission = letter.submission
    campaign = letter.campaign
    rendered = letter_rendered(letter)
    reply_address = letter_reply_address(letter)
    if campaign.reply_capture == ReplyCapture.REPLY_TO:
        reply_to, cc = [reply_address], []
    elif campaign.reply_capture == ReplyCapture.CC:
        reply_to, cc = [submission.email], [reply_address]
    else:
        reply_to, cc = [submission.email], []
    return AnymailMessage(
        subject=rendered.subject,
        body=rendered.text,
        from_email=address_format(name=submission.name, email=campaign.from_email),
        to=[letter.office.email],
        cc=cc,
        reply_to=reply_to,
        metadata={LETTER_REF_METADATA: letter.reply_token},
        tags=["letter"],
        track_opens=False,
        track_clicks=False,
    )


def confirmation_message_build(*, submission: Submission, confirm_path: str, language: str) -> AnymailMessage:
    letters = submission.letters.select_related("office").order_by("office__kind", "office__city")
    with translation.override(language):
        context = {
            "submission": submission,
            "campaign": submission.campaign,
            "offices": [letter.office for letter in letters],
            "confirm_url": site_url(confirm_path),
            "valid_hours": settings.CONFIRMATION_MAX_AGE_HOURS,
            "retention_days": settings.RETENTION_UNCONFIRMED_DAYS,
        }
        subject = _("Please confirm your letters: %(title)s") % {"title": submission.campaign.title}
        body = render_to_string("campaign/email/confirmation.txt", context)
    return _supporter_message(submission=submission, subject=subject, body=body, tag="confirmation")


def copy_message_build(*, submission: Submission, status_path: str, language: str) -> AnymailMessage | None:
    letters = list(submission.letters.select_related("office", "campaign", "submission").order_by("pk"))
    if not letters:
        return None
    with translation.override(language):
        context = {
            "offices": [letter.office for letter in letters],
            "letter": letter_rendered(letters[0]),
            "first_office": letters[0].office,
            "status_url": site_url(status_path),
        }
        subject = _("Your copy: %(subject)s") % {"subject": context["letter"].subject}
        body = render_to_string("campaign/email/copy.txt", context)
    return _supporter_message(submission=submission, subject=subject, body=body, tag="copy")


def _supporter_message(*, submission: Submission, subject: str, body: str, tag: str) -> AnymailMessage:
    return AnymailMessage(
        subject=subject,
        body=body,
        from_email=address_format(name=submission.campaign.title, email=submission.campaign.from_email),
        to=[submission.email],
        tags=[tag],
        track_opens=False,
        track_clicks=False,
    )


def confirm_path_for(*, submission: Submission, token: str) -> str:
    return reverse("campaign:submission_confirm", args=[submission.campaign.slug, token])


def status_path_for(*, submission: Submission, token: str) -> str:
    return reverse("campaign:letter_status", args=[submission.campaign.slug, token])
