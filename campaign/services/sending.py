"""The outbox: claim a letter atomically, send it once, record the outcome; sweep what got stuck.

Double-send policy: a letter whose earlier attempt may have reached the ESP (attempts > 1 after the claim:
a worker died, or a transient error after the request left) is first looked up at the ESP by the
`letter_ref` metadata it was sent with. Found → marked sent with that message id, not resent.
Backends that cannot be asked (the test and dev backends) resend: at-least-once there.
"""

import datetime
import logging

import requests
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused, AnymailRequestsAPIError

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from ..mail import LETTER_REF_METADATA, letter_message_build
from ..models import ContactChannel, Letter, LetterStatus
from . import contacts

logger = logging.getLogger(__name__)

POSTMARK_BACKEND = "anymail.backends.postmark.EmailBackend"
REFUSED_STATUSES = {"rejected", "invalid", "failed"}
# Stored in English like the ESP's own reasons; the status page translates the ones it knows.
REASON_OFFICE_NOT_EMAILABLE = gettext_noop("The office's email address is no longer in use for mail.")


class LetterSendTransientError(Exception):
    """The ESP could not take the letter now; try again later."""


def letter_claim(*, letter_id: int) -> bool:
    """queued → sending, in one UPDATE: of two workers, exactly one gets rowcount 1."""
    now = timezone.now()
    claimed = Letter.objects.filter(pk=letter_id, status=LetterStatus.QUEUED).update(
        status=LetterStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, status_changed_at=now
    )
    return claimed == 1


def letter_send(*, letter_id: int) -> LetterStatus | None:
    """Send one queued letter. Returns its new status, or None if another worker has it (or it is done).

    Raises LetterSendTransientError after putting the letter back in the queue.
    """
    if not letter_claim(letter_id=letter_id):
        return None
    letter = Letter.objects.select_related("submission", "campaign", "office").get(pk=letter_id)
    if letter.attempts > 1:
        earlier_message_id = esp_message_find(letter=letter)
        if earlier_message_id:
            return letter_mark_sent(letter=letter, esp_message_id=earlier_message_id)
    if not letter.office.can_receive_email:
        return letter_mark_failed(letter=letter, reason=REASON_OFFICE_NOT_EMAILABLE)
    message = letter_message_build(letter)
    try:
        message.send()
    except AnymailRecipientsRefused as error:
        return letter_mark_failed(letter=letter, reason=_esp_reason(error))
    except AnymailRequestsAPIError as error:
        if error.status_code is None or error.status_code >= 500 or error.status_code == 429:
            letter_release(letter=letter)
            raise LetterSendTransientError(_esp_reason(error)) from error
        return letter_mark_failed(letter=letter, reason=_esp_reason(error))
    except AnymailAPIError as error:
        return letter_mark_failed(letter=letter, reason=_esp_reason(error))
    office_status = message.anymail_status.recipients.get(letter.office.email)
    if office_status is not None and office_status.status in REFUSED_STATUSES:
        return letter_mark_failed(letter=letter, reason=f"The ESP refused the address ({office_status.status}).")
    message_id = office_status.message_id if office_status else message.anymail_status.message_id
    return letter_mark_sent(letter=letter, esp_message_id=str(message_id or ""))


def _esp_reason(error: Exception) -> str:
    status_code = getattr(error, "status_code", None)
    response = getattr(error, "response", None)
    detail = ""
    if response is not None:
        try:
            detail = response.json().get("Message", "")
        except (ValueError, AttributeError):
            detail = getattr(response, "text", "")[:200]
    first_line = str(error).splitlines()[0] if str(error) else error.__class__.__name__
    parts = [f"HTTP {status_code}" if status_code else "", detail or first_line]
    return ": ".join(part for part in parts if part)[:500]


def letter_mark_sent(*, letter: Letter, esp_message_id: str) -> LetterStatus:
    now = timezone.now()
    with transaction.atomic():
        updated = Letter.objects.filter(pk=letter.pk, status=LetterStatus.SENDING).update(
            status=LetterStatus.SENT,
            esp_message_id=esp_message_id,
            sent_at=now,
            status_changed_at=now,
            failure_reason="",
        )
        if updated:
            contacts.contact_record(campaign=letter.campaign, office=letter.office, channel=ContactChannel.EMAIL_SENT)
    logger.info("letter %s sent, ESP message %s", letter.pk, esp_message_id)
    return LetterStatus.SENT


def letter_mark_failed(*, letter: Letter, reason: str) -> LetterStatus:
    Letter.objects.filter(pk=letter.pk, status__in=[LetterStatus.SENDING, LetterStatus.QUEUED]).update(
        status=LetterStatus.FAILED, failure_reason=reason[:500], status_changed_at=timezone.now()
    )
    logger.warning("letter %s failed: %s", letter.pk, reason)
    return LetterStatus.FAILED


def letter_release(*, letter: Letter) -> None:
    now = timezone.now()
    Letter.objects.filter(pk=letter.pk, status=LetterStatus.SENDING).update(
        status=LetterStatus.QUEUED, queued_at=now, status_changed_at=now
    )


def letter_fail_after_retries(*, letter_id: int, reason: str) -> None:
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is not None:
        letter_mark_failed(letter=letter, reason=f"Gave up after {letter.attempts} attempts. Last error: {reason}")


def esp_message_find(*, letter: Letter) -> str | None:
    """The ESP's message id for this letter if the ESP already accepted it, else None.

    Only Postmark can be asked (outbound message search by metadata). If the ESP cannot answer now,
    the letter goes back to the queue rather than risk a duplicate.
    """
    if settings.EMAIL_BACKEND != POSTMARK_BACKEND:
        return None
    api_url = settings.ANYMAIL.get("POSTMARK_API_URL", "https://api.postmarkapp.com/")
    try:
        response = requests.get(
            api_url.rstrip("/") + "/messages/outbound",
            params={"count": 1, "offset": 0, f"metadata_{LETTER_REF_METADATA}": letter.reply_token},
            headers={
                "Accept": "application/json",
                "X-Postmark-Server-Token": settings.ANYMAIL.get("POSTMARK_SERVER_TOKEN", ""),
            },
            timeout=10,
        )
        response.raise_for_status()
        messages = response.json().get("Messages") or []
    except (requests.RequestException, ValueError) as error:
        letter_release(letter=letter)
        raise LetterSendTransientError(f"Could not ask the ESP whether the letter was sent: {error}") from error
    return str(messages[0]["MessageID"]) if messages else None


def letters_sweep(*, queued_older_than: datetime.timedelta, sending_older_than: datetime.timedelta) -> list[int]:
    """Re-queue letters stuck in queued (the broker lost the task) or sending (the worker died).

    sending_older_than must exceed the send task's hard time limit, so a letter a live worker is still
    sending is never taken from it.
    """
    from ..tasks import letter_send_task

    now = timezone.now()
    too_many = Letter.objects.filter(
        status=LetterStatus.SENDING,
        claimed_at__lt=now - sending_older_than,
        attempts__gte=settings.LETTER_SEND_MAX_ATTEMPTS,
    )
    for letter in too_many:
        letter_fail_after_retries(letter_id=letter.pk, reason="the sending worker stopped each time")
    stuck_sending = list(
        Letter.objects.filter(status=LetterStatus.SENDING, claimed_at__lt=now - sending_older_than).values_list(
            "pk", flat=True
        )
    )
    Letter.objects.filter(pk__in=stuck_sending, status=LetterStatus.SENDING).update(
        status=LetterStatus.QUEUED, queued_at=now, status_changed_at=now
    )
    stuck_queued = list(
        Letter.objects.filter(status=LetterStatus.QUEUED, queued_at__lt=now - queued_older_than).values_list(
            "pk", flat=True
        )
    )
    Letter.objects.filter(pk__in=stuck_queued).update(queued_at=now)
    requeued = sorted(set(stuck_sending) | set(stuck_queued))
    for letter_id in requeued:
        transaction.on_commit(lambda letter_id=letter_id: letter_send_task.delay(letter_id))
    if requeued:
        logger.warning("sweep re-queued %d letters", len(requeued))
    return requeued
