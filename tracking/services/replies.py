"""Replies from offices: receive untrusted inbound mail, match it to a letter, forward it, triage the rest."""

import datetime
import html
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

import nh3
from anymail.inbound import AnymailInboundMessage

from campaign.models import Campaign, Letter
from common.mail import mail_send
from common.queueing import task_queue_on_commit
from embassies.models import Office

from ..emails import reply_forward_message_build
from ..models import COUNTED_REPLY_STATES, Reply, ReplyState
from ..tasks import reply_forward_task
from .attachments import reply_attachments_delete, reply_attachments_keep

logger = logging.getLogger(__name__)

# Control characters other than tab and newline could hide text or confuse terminals and the admin.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLOCK_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")
# Longer than a forward with its attachments can take; a claim older than this lost its worker.
FORWARD_CLAIM_STALE_AFTER = datetime.timedelta(minutes=30)


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


def _candidate_tokens(message: AnymailInboundMessage) -> dict[str, str]:
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


def reply_is_automatic(message: AnymailInboundMessage) -> bool:
    """Out-of-office notices and other machine answers (RFC 3834 and the common non-standard headers)."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto_submitted != "no"
        or precedence in ("auto_reply", "bulk", "junk", "list")
        or any(message.get(header) for header in ("X-Autoreply", "X-Autorespond"))
    )


def _letter_match(message: AnymailInboundMessage) -> tuple[Letter | None, str]:
    tokens = _candidate_tokens(message)
    if not tokens:
        return None, (message.envelope_recipient or "")[:320]
    letters = {letter.reply_token: letter for letter in Letter.objects.filter(reply_token__in=list(tokens))}
    for token, address in tokens.items():
        if token in letters:
            return letters[token], address
    return None, next(iter(tokens.values()))


def reply_receive(
    *, event_id: str | None, message: AnymailInboundMessage, received_at: datetime.datetime | None = None
) -> Reply:
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
    task_queue_on_commit(reply_forward_task, reply.pk)


def reply_forward(*, reply_id: int) -> bool:
    """Send the reply to the supporter behind its letter, once, while their data exists. True if sent now.

    The reply is claimed with one UPDATE, so two workers never both send it, and the mail leaves with no row
    locked. A send that fails gives the claim back for the retry; a claim left by a killed worker goes stale
    and replies_forward_sweep takes it up again.
    """
    now = timezone.now()
    claimed = (
        Reply.objects.filter(
            pk=reply_id,
            forwarded_at__isnull=True,
            letter__isnull=False,
            state__in=COUNTED_REPLY_STATES,
            content_erased_at__isnull=True,
        )
        .filter(Q(forward_claimed_at__isnull=True) | Q(forward_claimed_at__lt=now - FORWARD_CLAIM_STALE_AFTER))
        .update(forward_claimed_at=now)
    )
    if not claimed:
        return False
    reply = Reply.objects.select_related("letter__submission__campaign", "office").get(pk=reply_id)
    submission = reply.letter.submission
    if submission.erased_at is not None or not submission.email:
        return False
    try:
        mail_send(reply_forward_message_build(reply=reply, submission=submission))
    except BaseException:
        Reply.objects.filter(pk=reply_id, forward_claimed_at=now).update(forward_claimed_at=None)
        raise
    Reply.objects.filter(pk=reply_id).update(forwarded_at=timezone.now())
    logger.info("Reply %s forwarded", reply_id)
    return True


def replies_forward_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again the forwards that are stranded: claimed by a worker that stopped, or never handed to a
    worker at all (the broker was down when the reply came in). Returns how many."""
    stale_before = (now or timezone.now()) - FORWARD_CLAIM_STALE_AFTER
    stranded = list(
        Reply.objects.filter(
            Q(forward_claimed_at__lt=stale_before) | Q(forward_claimed_at__isnull=True, received_at__lt=stale_before),
            forwarded_at__isnull=True,
            letter__isnull=False,
            letter__submission__erased_at__isnull=True,
            state__in=COUNTED_REPLY_STATES,
            content_erased_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    for reply_id in stranded:
        task_queue_on_commit(reply_forward_task, reply_id)
    return len(stranded)


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
    """Erase the text of replies older than REPLY_RETENTION_DAYS; the row stays so "has replied" still counts.

    Matched or not, a reply may quote its supporter: it never outlives the supporter's own data.
    """
    days = min(settings.REPLY_RETENTION_DAYS, settings.RETENTION_SUPPORTER_DAYS)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return _replies_erase(Reply.objects.filter(received_at__lt=cutoff, content_erased_at__isnull=True))


def replies_content_erase(*, letter_ids: list[int]) -> int:
    """Erase the replies to these letters now (their supporter erased their data)."""
    return _replies_erase(Reply.objects.filter(letter_id__in=letter_ids, content_erased_at__isnull=True))


def _replies_erase(replies: QuerySet[Reply]) -> int:
    reply_attachments_delete(replies=replies)
    return replies.update(subject="", body_text="", from_address="", recipient="", content_erased_at=timezone.now())
