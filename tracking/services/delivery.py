"""ESP delivery events (delivered, bounced, complained, rejected) applied to the letters they report on."""

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaign.esp import LETTER_REF_METADATA
from campaign.models import ContactChannel, Letter, LetterChannel, LetterStatus, WebhookEvent
from campaign.services import contact_record
from common.mail import mail_send
from embassies.models import Office
from embassies.selectors import organiser_emails_for_country
from embassies.services import office_email_flag

from ..emails import office_email_flagged_message_build

EVENT_STATUS = {
    "delivered": LetterStatus.DELIVERED,
    "bounced": LetterStatus.BOUNCED,
    "complained": LetterStatus.COMPLAINED,
    "rejected": LetterStatus.REJECTED,
}
# An event whose letter never appears (a message that was not a letter) is forgotten after this.
PARKED_EVENTS_KEPT = datetime.timedelta(days=7)
# A delivery report never overrides a worse outcome that arrived first.
DELIVERED_ONLY_FROM = {LetterStatus.SENDING, LetterStatus.SENT}
FLAGS_OFFICE = {LetterStatus.BOUNCED, LetterStatus.REJECTED}


def webhook_event_key(
    *, event_id: str | None, event_type: str, message_id: str, timestamp: datetime.datetime | str | None, recipient: str
) -> str:
    raw = event_id or f"{message_id}|{event_type}|{timestamp}|{recipient}"
    return hashlib.sha256(raw.encode()).hexdigest()


def letter_delivery_apply(
    *,
    event_type: str,
    message_id: str | None,
    event_id: str | None = None,
    timestamp: datetime.datetime | str | None = None,
    recipient: str | None = None,
    description: str | None = None,
    metadata: dict | None = None,
    transient: bool = False,
) -> bool:
    """Apply one tracking event. True if it changed a letter; an event seen before changes nothing.

    A transient bounce leaves the letter as it was (a delivery may still follow) and flags the office only when
    SOFT_BOUNCES_TO_FLAG letters to it bounced so within SOFT_BOUNCE_WINDOW_DAYS.
    """
    new_status = EVENT_STATUS.get(event_type)
    if new_status is None:
        return False
    key = webhook_event_key(
        event_id=event_id,
        event_type=event_type,
        message_id=message_id or "",
        timestamp=timestamp,
        recipient=recipient or "",
    )
    with transaction.atomic():
        event, created = WebhookEvent.objects.get_or_create(key=key, defaults={"event_type": event_type})
        if not created:
            return False
        letter = _letter_for_event(message_id=message_id, metadata=metadata or {})
        if letter is None:
            if message_id:
                event.parked = {
                    "event_type": event_type,
                    "message_id": message_id,
                    "recipient": recipient or "",
                    "description": description or "",
                    "transient": transient,
                }
                event.save(update_fields=["parked"])
            return False
        return _event_to_letter_apply(
            letter=letter,
            event_type=event_type,
            recipient=recipient,
            description=description,
            transient=transient,
        )


def _event_to_letter_apply(
    *, letter: Letter, event_type: str, recipient: str | None, description: str | None, transient: bool
) -> bool:
    """The event's verdict on one letter (locked by the caller). True if it changed the letter."""
    new_status = EVENT_STATUS[event_type]
    if letter.channel == LetterChannel.FAX:
        return _fax_email_event_apply(letter=letter, new_status=new_status, description=description or event_type)
    if recipient and recipient.lower() != letter.office.email.lower():
        return False  # e.g. the Cc'd reply address: not the office's mail
    if new_status == LetterStatus.BOUNCED and transient:
        _letter_soft_bounce(letter=letter, description=description or event_type)
        return True
    if letter.status == new_status:
        return False
    if new_status == LetterStatus.DELIVERED and letter.status not in DELIVERED_ONLY_FROM:
        return False
    letter.status = new_status
    # Delivered: an earlier temporary bounce's note no longer describes the letter.
    letter.failure_reason = "" if new_status == LetterStatus.DELIVERED else (description or event_type)[:500]
    letter.save(update_fields=["status", "failure_reason", "status_changed_at"])
    if new_status == LetterStatus.DELIVERED:
        contact_record(campaign=letter.campaign, office=letter.office, channel=ContactChannel.EMAIL_DELIVERED)
    if new_status in FLAGS_OFFICE:
        _office_flag(
            office=letter.office, reason=f"{event_type} on {timezone.localdate().isoformat()}: {description or ''}"
        )
    return True


def _fax_email_event_apply(*, letter: Letter, new_status: LetterStatus, description: str) -> bool:
    """An email-to-fax letter's email went to the fax gateway, not to the office: its delivery says nothing of the
    fax, and its bounce is the gateway's refusal, which shows on the letter but never flags the office's email."""
    if new_status == LetterStatus.DELIVERED or letter.status not in DELIVERED_ONLY_FROM:
        return False
    letter.status = new_status
    letter.failure_reason = f"The fax gateway refused the letter: {description}"[:500]
    letter.save(update_fields=["status", "failure_reason", "status_changed_at"])
    return True


def delivery_events_parked_apply(*, now: datetime.datetime | None = None) -> int:
    """Apply the events that arrived before their letter knew its message id; drop those nobody claims in a week.
    Returns how many were applied."""
    now = now or timezone.now()
    applied = 0
    for event_id in WebhookEvent.objects.filter(parked__isnull=False).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update().filter(pk=event_id, parked__isnull=False).first()
            if event is None:
                continue
            parked = event.parked
            letter = _letter_for_event(message_id=str(parked.get("message_id") or ""), metadata={})
            if letter is not None and parked.get("event_type") in EVENT_STATUS:
                applied += _event_to_letter_apply(
                    letter=letter,
                    event_type=parked["event_type"],
                    recipient=parked.get("recipient"),
                    description=parked.get("description"),
                    transient=bool(parked.get("transient")),
                )
            elif now - event.received_at < PARKED_EVENTS_KEPT:
                continue
            event.parked = None
            event.save(update_fields=["parked"])
    return applied


def _letter_soft_bounce(*, letter: Letter, description: str) -> None:
    now = timezone.now()
    letter.soft_bounced_at = now
    if letter.status != LetterStatus.DELIVERED:
        letter.failure_reason = f"Temporary bounce, the ESP may still deliver: {description}"[:500]
    letter.save(update_fields=["soft_bounced_at", "failure_reason", "status_changed_at"])
    window_start = now - datetime.timedelta(days=settings.SOFT_BOUNCE_WINDOW_DAYS)
    recent = Letter.objects.filter(office=letter.office, soft_bounced_at__gte=window_start).count()
    if recent >= settings.SOFT_BOUNCES_TO_FLAG:
        _office_flag(
            office=letter.office,
            reason=(
                f"{recent} letters bounced temporarily within {settings.SOFT_BOUNCE_WINDOW_DAYS} days "
                f"(last on {timezone.localdate().isoformat()}: {description})"
            ),
        )


def _office_flag(*, office: Office, reason: str) -> None:
    reason = reason.strip()
    if office_email_flag(office=office, reason=reason):
        transaction.on_commit(lambda: _organisers_notify(office=office, reason=reason))


def _organisers_notify(*, office: Office, reason: str) -> None:
    """Tell the organisers of the office's country that its address is flagged and waits for them."""
    recipients = organiser_emails_for_country(host_country=office.host_country.code)
    if recipients:
        mail_send(office_email_flagged_message_build(office=office, reason=reason, to=recipients))


def _letter_for_event(*, message_id: str | None, metadata: dict) -> Letter | None:
    letters = Letter.objects.select_for_update(of=("self",)).select_related("office", "campaign")
    if message_id:
        letter = letters.filter(esp_message_id=message_id).first()
        if letter is not None:
            return letter
    reference = metadata.get(LETTER_REF_METADATA)
    return letters.filter(reply_token=reference).first() if reference else None
