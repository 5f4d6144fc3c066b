"""What the Sinch tests share: fax letters, the fax Sinch took for each, and their callback address.

The fake Sinch and a CZ gateway pointed at it are fixtures in conftest.py."""

from django.urls import reverse
from django.utils import timezone

from campaign.models import Letter, LetterChannel, LetterStatus, Submission
from campaign.services import letter_send
from campaign.tokens import submission_status_token, submission_token_hashes
from embassies.models import Office
from faxing.tokens import fax_callback_token, fax_callback_url
from tests.factories import LetterFactory, SubmissionFactory, VerifiedOfficeFactory

from .conftest import EMBASSY_FAX


def queued_fax(campaign, *, fax: str = EMBASSY_FAX, name: str = "Taras Supporter") -> Letter:
    office = Office.objects.filter(fax=fax).first() or VerifiedOfficeFactory(fax=fax)
    return LetterFactory(
        submission=SubmissionFactory(campaign=campaign, name=name),
        office=office,
        channel=LetterChannel.FAX,
        status=LetterStatus.QUEUED,
        queued_at=timezone.now(),
        sent_at=None,
    )


def sent_fax(campaign, sinch) -> tuple[Letter, dict]:
    letter = queued_fax(campaign)
    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT
    letter.refresh_from_db()
    return letter, fax_of(sinch, letter)


def fax_of(sinch, letter: Letter) -> dict:
    (fax,) = [fax for fax in sinch.faxes if fax["callbackUrl"] == fax_callback_url(letter_id=letter.pk)]
    return fax


def callback_path(letter_id: int, token: str | None = None) -> str:
    return reverse("faxing:sinch_callback", args=[letter_id, token or fax_callback_token(letter_id=letter_id)])


def report(client, letter: Letter, body: bytes, content_type: str, *, token: str | None = None):
    return client.post(callback_path(letter.pk, token), data=body, content_type=content_type)


def status_page(client, letter: Letter) -> str:
    submission = letter.submission
    Submission.objects.filter(pk=submission.pk).update(**submission_token_hashes(submission=submission))
    token = submission_status_token(submission=submission)
    return client.get(reverse("campaign:letter_status", args=[letter.campaign.slug, token])).content.decode()


def snapshot(letter: Letter) -> tuple:
    letter.refresh_from_db()
    return letter.status, letter.failure_reason, letter.esp_message_id, letter.status_changed_at
