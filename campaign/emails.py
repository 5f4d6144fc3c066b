"""The emails of the letter channel: each letter to its office, and the supporter's confirmation and copy.

Templates live in templates/campaign/emails/. Letters leave only through the outbox (services/outbox.py);
the supporter's emails leave through their tasks, after the submission was committed.
"""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from anymail.message import AnymailMessage

from common.mail import address_format, mail_intent

from .esp import LETTER_REF_METADATA
from .models import Campaign, Letter, LetterChannel, ReplyCapture, Submission
from .rendering import RenderedLetter, letter_render
from .selectors import campaign_localised
from .tokens import submission_forget_token

LETTER = mail_intent("campaign/emails/letter", tag="letter")
CONFIRMATION = mail_intent("campaign/emails/confirmation", tag="confirmation")
FORGET_LINKS = mail_intent("campaign/emails/forget_links", tag="forget-links")
COPY = mail_intent("campaign/emails/copy", tag="copy")


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def site_url_reverse(viewname: str, *, args: list, language: str) -> str:
    """A link in an email opens the page in the reader's language (/cs/…)."""
    with translation.override(language):
        return site_url(reverse(viewname, args=args))


def submission_forget_url(*, submission: Submission, language: str) -> str:
    """The erase-my-data link every email to a supporter carries."""
    return site_url_reverse(
        "campaign:submission_forget",
        args=[submission.campaign.slug, submission_forget_token(submission=submission)],
        language=language,
    )


def letter_reply_address(letter: Letter) -> str:
    return f"{letter.reply_token}@{settings.REPLY_DOMAIN}"


def letter_rendered(letter: Letter, *, closing: str) -> RenderedLetter:
    submission = letter.submission
    return letter_render(
        subject=submission.subject,
        body=submission.body,
        closing=closing,
        office=letter.office,
        language=submission.language,
        supporter_name=submission.name,
        supporter_city=submission.city,
        personal_paragraph=submission.personal_paragraph,
        on_date=timezone.localdate(submission.created_at),
    )


def letter_message_build(letter: Letter, *, closing: str) -> AnymailMessage:
    """One message to one office. The supporter's address reaches it only if they chose to show it; then the
    campaign's reply capture setting decides where the reply address goes."""
    submission = letter.submission
    campaign = letter.campaign
    reply_address = letter_reply_address(letter)
    if not submission.share_email or campaign.reply_capture == ReplyCapture.REPLY_TO:
        reply_to, cc = [reply_address], []  # the office answers the reply address, which forwards to the supporter
    elif campaign.reply_capture == ReplyCapture.CC:
        reply_to, cc = [submission.email], [reply_address]
    else:
        reply_to, cc = [submission.email], []
    return LETTER.build(
        to=[letter.office.email],
        from_email=address_format(name=submission.name, email=campaign.from_email),
        language=submission.language,
        context={"letter": letter_rendered(letter, closing=closing)},
        reply_to=reply_to,
        cc=cc,
        metadata={LETTER_REF_METADATA: letter.reply_token},
        message_id=letter_message_id(letter),
    )


def letter_message_id(letter: Letter) -> str:
    """The same Message-ID at every attempt: where an ESP or mail server cannot be asked whether it already took
    a letter, a second copy carries the first one's id, and mail systems that drop repeated ids show it once.
    A hash, so the id does not reveal the letter's reply address."""
    digest = hashlib.sha256(f"letter-message-id:{letter.reply_token}".encode()).hexdigest()[:32]
    return f"<{digest}@{letter.campaign.from_email.rpartition('@')[2]}>"


def confirmation_message_build(*, submission: Submission, token: str, language: str) -> AnymailMessage:
    letters = list(submission.letters.select_related("office").order_by("office__kind", "office__city"))
    return CONFIRMATION.build(
        to=[submission.email],
        from_email=campaign_sender(submission.campaign, language=language),
        language=language,
        context={
            "submission": submission,
            "campaign": campaign_localised(campaign=submission.campaign, language=language),
            "offices": [letter.office for letter in letters],
            "by_fax": any(letter.channel == LetterChannel.FAX for letter in letters),
            "confirm_url": site_url_reverse(
                "campaign:submission_confirm", args=[submission.campaign.slug, token], language=language
            ),
            "valid_hours": settings.CONFIRMATION_MAX_AGE_HOURS,
            "forget_url": submission_forget_url(submission=submission, language=language),
            "retention_days": settings.RETENTION_UNCONFIRMED_DAYS,
        },
    )


def copy_message_build(*, submission: Submission, token: str, language: str, closing: str) -> AnymailMessage | None:
    letters = list(submission.letters.select_related("office", "campaign", "submission").order_by("pk"))
    if not letters:
        return None
    return COPY.build(
        to=[submission.email],
        from_email=campaign_sender(submission.campaign, language=language),
        language=language,
        context={
            "offices": [letter.office for letter in letters],
            "letter": letter_rendered(letters[0], closing=closing),
            "first_office": letters[0].office,
            "status_url": site_url_reverse(
                "campaign:letter_status", args=[submission.campaign.slug, token], language=language
            ),
            "forget_url": submission_forget_url(submission=submission, language=language),
        },
    )


def campaign_sender(campaign: Campaign, *, language: str) -> str:
    """The campaign's address, named after the campaign in the reader's language: how every email to a supporter
    is signed."""
    return address_format(
        name=campaign_localised(campaign=campaign, language=language).title, email=campaign.from_email
    )


def forget_links_message_build(*, submissions: list[Submission], language: str) -> AnymailMessage:
    """The erase links of one address's letters, asked for on the erase page."""
    return FORGET_LINKS.build(
        to=[submissions[0].email],
        from_email=settings.DEFAULT_FROM_EMAIL,
        language=language,
        context={
            "links": [
                {
                    "campaign": campaign_localised(campaign=submission.campaign, language=language),
                    "created_at": submission.created_at,
                    "url": submission_forget_url(submission=submission, language=language),
                }
                for submission in submissions
            ]
        },
    )
