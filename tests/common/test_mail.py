"""common.mail: every email is an intent built from templates, and leaves through one door, after commit."""

import ast
import email.utils
from pathlib import Path

from django.template.loader import get_template

import pytest

import campaign.emails
import corrections.emails  # noqa: F401  (declares the digest and the reporter's answer)
import events.emails  # noqa: F401  (declares the organisers' notice of a proposal)
import faxing.emails  # noqa: F401  (declares the letter's PDF mailed to an email-to-fax gateway)
import tracking.emails
from campaign.models import LetterStatus
from common.mail import MAIL_INTENTS, address_format, display_name_sanitise, mail_send
from tests.factories import CampaignFactory, LetterFactory, SubmissionFactory, VerifiedOfficeFactory
from tracking.models import LetterSurvey, Reply, ReplyState

REPOSITORY = Path(__file__).resolve().parents[2]
SKIPPED_FOLDERS = {"tests", "migrations", "bench", ".venv", "var", "media", "staticfiles", "scripts", "mutants"}
# Names that build or send a message outside the one door.
SENDING_CALLS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage", "AnymailMessage"}
TRICKY_NAME = 'Consulate <General> & "Co"'

pytestmark = pytest.mark.django_db


def project_sources():
    for path in REPOSITORY.rglob("*.py"):
        parts = path.relative_to(REPOSITORY).parts
        if not any(part in SKIPPED_FOLDERS or part.startswith(".") for part in parts):
            yield path


def test_every_email_is_an_intent_with_a_subject_and_a_plain_text_template():
    assert set(MAIL_INTENTS) == {
        "campaign/emails/letter",
        "campaign/emails/confirmation",
        "campaign/emails/copy",
        "campaign/emails/forget_links",
        "tracking/emails/reply_forward",
        "tracking/emails/survey",
        "tracking/emails/office_email_flagged",
        "corrections/emails/digest",
        "corrections/emails/report_answer",
        "events/emails/event_proposed",
        "faxing/emails/fax",
    }
    for name in MAIL_INTENTS:
        get_template(f"{name}_subject.txt")
        get_template(f"{name}.txt")


def test_no_module_builds_or_sends_mail_outside_the_one_door():
    offenders = []
    for path in project_sources():
        if path.relative_to(REPOSITORY).as_posix() == "common/mail.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            name = getattr(called, "id", None) or getattr(called, "attr", None)
            if name in SENDING_CALLS or (
                name == "send" and isinstance(called, ast.Attribute) and not (node.args or node.keywords)
            ):
                offenders.append(f"{path.relative_to(REPOSITORY)}:{node.lineno} {name}")
    assert offenders == []


@pytest.fixture
def letter():
    campaign = CampaignFactory(title="Against Law No. 13673 & the registers")
    office = VerifiedOfficeFactory(name=TRICKY_NAME, city="Brno")
    return LetterFactory(submission__campaign=campaign, submission__language="en", office=office)


def test_plain_text_parts_are_not_html_escaped_and_subjects_are_one_line(letter):
    token = "t0ken"
    confirmation = campaign.emails.confirmation_message_build(submission=letter.submission, token=token, language="en")

    assert TRICKY_NAME in confirmation.body
    assert "&amp;" not in confirmation.body and "&lt;" not in confirmation.body
    assert confirmation.subject == "Please confirm your letters: Against Law No. 13673 & the registers"
    html, mimetype = confirmation.alternatives[0]
    assert mimetype == "text/html"
    assert "Consulate &lt;General&gt; &amp; &quot;Co&quot;" in html  # escaped where it is HTML
    assert "\n" not in confirmation.subject


def test_every_supporter_email_is_signed_by_the_campaign_tagged_and_untracked(letter):
    submission = letter.submission
    reply = Reply.objects.create(
        state=ReplyState.MATCHED,
        letter=letter,
        campaign=letter.campaign,
        office=letter.office,
        received_at=letter.sent_at,
        subject="Re: your letter\nBcc: someone@example.org",
        body_text="We passed it on.",
        from_address="consulate@mfa.example",
    )
    survey = LetterSurvey.objects.create(letter=letter, asked_at=letter.sent_at)
    messages = [
        campaign.emails.confirmation_message_build(submission=submission, token="t", language="en"),
        campaign.emails.copy_message_build(submission=submission, token="t", language="en", closing="Yours,"),
        tracking.emails.reply_forward_message_build(reply=reply, submission=submission),
        tracking.emails.survey_message_build(submission=submission, questions=[(letter, survey, "yes", "no")]),
    ]
    for message in messages:
        assert message.to == [submission.email]
        assert email.utils.parseaddr(message.from_email) == (
            "Against Law No. 13673 & the registers",
            letter.campaign.from_email,
        )
        assert message.track_opens is False and message.track_clicks is False
        assert len(message.tags) == 1
        assert "\n" not in message.subject
    assert messages[2].subject == f"Reply from {TRICKY_NAME}: Re: your letter Bcc: someone@example.org"


def test_supporter_emails_are_in_the_supporter_language():
    submission = SubmissionFactory(language="uk")
    letter = LetterFactory(submission=submission, campaign=submission.campaign, status=LetterStatus.SENT)
    survey = LetterSurvey.objects.create(letter=letter, asked_at=letter.sent_at)

    message = tracking.emails.survey_message_build(submission=submission, questions=[(letter, survey, "y", "n")])

    assert message.subject != "Did the embassy reply?"
    assert "This is the only time we ask." not in message.body


def test_mail_send_goes_through_anymail(letter):
    message = campaign.emails.confirmation_message_build(submission=letter.submission, token="t", language="en")
    mail_send(message)
    assert message.anymail_status.status == {"sent"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jana Nováková", "Jana Nováková"),
        ("Eve\r\nBcc: victim@example.org", "Eve Bcc victim example.org"),
        ('"Mallory" <mallory@example.org>', "Mallory mallory example.org"),
        ("x" * 300, "x" * 100),
    ],
)
def test_display_names_cannot_break_a_header(name, expected):
    assert display_name_sanitise(name) == expected
    assert "\n" not in address_format(name=name, email="letters@example.org")
