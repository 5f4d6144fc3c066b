"""Replies from offices: receive untrusted inbound mail, match it to a letter, forward it, triage the rest."""

import datetime
import html
import logging
import re

import nh3

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaign.models import Campaign, Letter
from embassies.models import Office

from ..models import Reply, ReplyState
from .attachments import reply_attachments_delete, reply_attachments_keep

logger = logging.getLogger(__name__)

# Control characters other than tab and newline could hide text or confuse terminals and the admin.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLOCK_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")
# ESPs refuse larger messages (Postmark: 10 MB including encoding).
FORWARD_ATTACHMENTS_MAX_BYTES = 7 * 1024 * 1024


def _text_limit(text: str, *, max_bytes: int) -> tuple[str, bool]:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text, False
    return encoded[:max_bytes].decode("utf-8", errors="ignore"), True


def reply_text_extract(*, text: str | None, html_body: str | None) -> str:
    """Plain text of a message. HTML is reduced to text with nh3 allowing no tags at all; it is never rendered."""
    if text and text.strip():
        plain = text
    elif html_body:
        with_breaks = _BLOCK_BREAKS.sub("\n", html_body)
        plain = html.unescape(nh3.clean(with_breaks, tags=set(), clean_content_tags={"script", "style", "head"}))
    else:
        plain = ""
    plain = _CONTROL_CHARACTERS.sub("", plain.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES.sub("\n\n", plain).strip()


def _candidate_tokens(message) -> dict[str, str]:
    """reply token → the address it came from, for every recipient on the reply domain."""
    addresses = [message.envelope_recipient or ""]
    for header in ("To", "Cc", "Bcc", "Delivered-To"):
        addresses.extend(address.addr_spec for address in message.get_address_header(header))
    domain = settings.REPLY_DOMAIN.lower()
    tokens: dict[str, str] = {}
    for address in addresses:
        local, _at, address_domain = address.strip().lower().rpartition("@")
        if local and address_domain == domain:
            tokens.setdefault(local.split("+", 1)[0], address)
    return tokens


def reply_is_automatic(message) -> bool:
    """Out-of-office notices and other machine answers (RFC 3834 and the common non-standard headers)."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto_submitted != "no"
        or precedence in ("auto_reply", "bulk", "junk", "list")
        or any(message.get(header) for header in ("X-Autoreply", "X-Autorespond"))
    )


def _letter_match(message) -> tuple[Letter | None, str]:
    tokens = _candidate_tokens(message)
    if not tokens:
        return None, (message.envelope_recipient or "")[:320]
    letters = {letter.reply_token: letter for letter in Letter.objects.filter(reply_token__in=list(tokens))}
    for token, address in tokens.items():
        if token in letters:
            return letters[token], address
    return None, next(iter(tokens.values()))


def reply_receive(*, event_id: str | None, message, received_at: datetime.datetime | None = None) -> Reply:
    """Store one inbound message as a Reply. Seen before (same ESP id or Message-ID) → the existing row, unchanged."""
    message_id = (message.get("Message-ID") or "").strip()[:300]
    dedupe_key = (event_id or "").strip()[:200] or (f"message-id:{message_id}"[:200] if message_id else None)
    if dedupe_key:
        existing = Reply.objects.filter(inbound_event_id=dedupe_key).first()
        if existing:
            return existing

    letter, recipient = _letter_match(message)
    body, truncated = _text_limit(
        reply_text_extract(text=message.text, html_body=message.html), max_bytes=settings.REPLY_MAX_BYTES
    )
    sender = message.from_email
    if isinstance(sender, list):  # several From addresses are legal, and rare
        sender = sender[0]
    spam, automatic = bool(message.spam_detected), reply_is_automatic(message)
    reply = Reply(
        # Spam and auto-replies keep their letter for the organiser, but wait in triage: they prove no answer.
        state=ReplyState.MATCHED if letter and not (spam or automatic) else ReplyState.TRIAGE,
        letter=letter,
        campaign_id=letter.campaign_id if letter else None,
        office_id=letter.office_id if letter else None,
        inbound_event_id=dedupe_key,
        message_id=message_id,
        received_at=received_at or timezone.now(),
        recipient=recipient[:320],
        from_address=(sender.addr_spec if sender else "")[:320],
        # One line: the subject goes into the forwarded mail's Subject header.
        subject=" ".join(_CONTROL_CHARACTERS.sub("", message.subject or "").split())[:300],
        body_text=body,
        body_truncated=truncated,
        spam_detected=spam,
        automatic=automatic,
    )
    try:
        with transaction.atomic():
            reply.save()
            dropped = reply_attachments_keep(reply=reply, parts=message.attachments)
            if dropped:
                reply.attachments_dropped = min(dropped, 32767)
                reply.save(update_fields=["attachments_dropped"])
    except IntegrityError:
        return Reply.objects.get(inbound_event_id=dedupe_key)
    logger.info("Reply %s stored (%s)", reply.pk, reply.state)
    if reply.state == ReplyState.MATCHED:
        _forward_on_commit(reply)
    return reply


def _forward_on_commit(reply: Reply) -> None:
    from ..tasks import reply_forward_task

    transaction.on_commit(lambda: reply_forward_task.delay(reply.pk))


def reply_forward(*, reply_id: int) -> bool:
    """Send the reply to the supporter behind its letter, once, while their data exists. True if sent now."""
    with transaction.atomic():
        reply = (
            Reply.objects.select_for_update()
            .select_related("letter__submission", "office")
            .filter(pk=reply_id, forwarded_at__isnull=True, letter__isnull=False)
            .first()
        )
        if reply is None or reply.state not in (ReplyState.MATCHED, ReplyState.ASSIGNED):
            return False
        submission = reply.letter.submission
        if submission.erased_at is not None or not submission.email or reply.content_erased_at is not None:
            return False
        with translation.override(submission.language):
            subject = _("Reply from %(office)s: %(subject)s") % {"office": reply.office, "subject": reply.subject}
            notes = [
                _("%(office)s answered the letter you sent through our campaign. Their reply follows.")
                % {"office": reply.office},
                _("From: %(address)s") % {"address": reply.from_address},
            ]
            if reply.body_truncated:
                notes.append(_("The reply was long; only its beginning is included."))
            attachments = list(reply.attachments.all())
            if sum(attachment.size for attachment in attachments) > FORWARD_ATTACHMENTS_MAX_BYTES:
                attachments = []
                notes.append(_("The office attached files too large to forward; the organisers can send them to you."))
            if reply.attachments_dropped:
                notes.append(_("Attachments removed for safety: %(count)d.") % {"count": reply.attachments_dropped})
        body = "\n".join(notes) + "\n\n-----\n\n" + reply.body_text + "\n"
        forward = EmailMessage(subject[:300], body, settings.DEFAULT_FROM_EMAIL, [submission.email])
        for attachment in attachments:
            with attachment.file.open("rb") as handle:
                forward.attach(attachment.filename, handle.read(), attachment.content_type)
        forward.send()
        reply.forwarded_at = timezone.now()
        reply.save(update_fields=["forwarded_at"])
    logger.info("Reply %s forwarded", reply_id)
    return True


def reply_assign(
    *, reply: Reply, letter: Letter | None = None, office: Office | None = None, campaign: Campaign | None = None
) -> Reply:
    """An organiser decides where a triaged reply belongs: a letter (then it is forwarded) or an office."""
    if letter is not None:
        reply.letter, reply.office_id, reply.campaign_id = letter, letter.office_id, letter.campaign_id
    elif office is not None and campaign is not None:
        reply.letter, reply.office, reply.campaign = None, office, campaign
    else:
        raise ValueError("a letter, or an office and a campaign, is needed")
    reply.state = ReplyState.ASSIGNED
    reply.save(update_fields=["letter", "office", "campaign", "state"])
    if letter is not None:
        _forward_on_commit(reply)
    return reply


def reply_discard(*, reply: Reply) -> None:
    """Triage verdict "not a reply to us": keep the row for the record, but drop its content."""
    reply_attachments_delete(replies=[reply])
    reply.state = ReplyState.DISCARDED
    reply.subject = reply.body_text = reply.from_address = ""
    reply.content_erased_at = timezone.now()
    reply.save(update_fields=["state", "subject", "body_text", "from_address", "content_erased_at"])


def reply_content_purge(*, now: datetime.datetime | None = None) -> int:
    """Erase the text of replies older than REPLY_RETENTION_DAYS; the row stays so "has replied" still counts."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.REPLY_RETENTION_DAYS)
    expired = Reply.objects.filter(received_at__lt=cutoff, content_erased_at__isnull=True)
    reply_attachments_delete(replies=expired)
    return expired.update(subject="", body_text="", from_address="", recipient="", content_erased_at=timezone.now())
