"""Replies from offices: receive untrusted inbound mail, match it to a letter, forward it, triage the rest."""

import datetime
import hashlib
import html
import logging
import re
from dataclasses import dataclass
from email.utils import getaddresses

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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

# Control characters other than tab and newline could hide text or confuse terminals and the admin. Lone
# surrogates (JSON can spell them) cannot be stored in any database encoding.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_BLOCK_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")
_RAW_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Longer than a forward with its attachments can take; a claim older than this lost its worker.
FORWARD_CLAIM_STALE_AFTER = datetime.timedelta(minutes=30)
# Why an inbound webhook body was kept raw; the reason becomes the triage row's subject.
UNREADABLE_NOT_UTF8 = _("not UTF-8")
UNREADABLE_NOT_JSON = _("not JSON")
UNREADABLE_NOT_OBJECT = _("not a JSON object")
UNREADABLE_MISTYPED = _("fields of the wrong type")
UNREADABLE_MESSAGE = _("not readable as a message")


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


def _line(text: str, *, max_length: int) -> str:
    return " ".join(_CONTROL_CHARACTERS.sub("", text).split())[:max_length]


def _raw_values(message: AnymailInboundMessage, name: str) -> list[str]:
    return [_line(str(value), max_length=10_000) for key, value in message.raw_items() if key.lower() == name.lower()]


def _header(message: AnymailInboundMessage, name: str) -> str:
    """A header's value. The email package's parser fails on some odd values (an AttributeError for `From: .:`);
    then its raw text is read instead."""
    try:
        return str(message.get(name) or "")
    except Exception:  # a bug in the standard library must not lose the reply
        return next(iter(_raw_values(message, name)), "")


def _addresses(message: AnymailInboundMessage, header: str) -> list[str]:
    """The addresses in a header, read from its raw text. Anymail refuses a whole header for one odd entry (an
    empty address, the group `undisclosed-recipients:;`); the standard library's lenient parser keeps the rest."""
    pairs = getaddresses(_raw_values(message, header))
    return [_line(address, max_length=320) for _name, address in pairs if "@" in address]


def _body(message: AnymailInboundMessage, content_type: str) -> str | None:
    """The first text/plain or text/html body, as anymail finds it. A charset Python does not know is read as UTF-8
    rather than losing the whole reply to a LookupError."""
    for part in message.walk():
        if part.get_content_type() == content_type and not part.is_attachment():
            try:
                return part.get_content_text()
            except LookupError:
                return part.get_content_text(charset="utf-8")
    return None


def _file_parts(message: AnymailInboundMessage) -> list:
    """Attachments, then inline parts that are files: a scanned letter pasted into the mail is an inline picture.
    Inline text without a file name is the body itself. Attachments come first, so they win the count limit."""
    inlines = [
        part
        for part in message.inlines
        if part.get_filename() or part.get_content_maintype() not in ("text", "multipart")
    ]
    return message.attachments + inlines


@dataclass(frozen=True)
class ReplyContent:
    """What a Reply keeps of a message."""

    message_id: str
    recipients: list[str]  # the envelope recipient first, then To, Cc, Bcc, Delivered-To
    from_address: str
    subject: str
    body_text: str
    body_truncated: bool
    spam_detected: bool
    automatic: bool
    files: list


def reply_message_read(*, message: AnymailInboundMessage) -> ReplyContent:
    """Read a message without the database. Raises when the email package cannot read it: the webhook calls this
    before answering, and keeps such a body raw instead."""
    body, truncated = _text_limit(
        reply_text_extract(text=_body(message, "text/plain"), html_body=_body(message, "text/html")),
        max_bytes=settings.REPLY_MAX_BYTES,
    )
    recipients = [_line(message.envelope_recipient or "", max_length=320)]
    for header in ("To", "Cc", "Bcc", "Delivered-To"):
        recipients.extend(_addresses(message, header))
    senders = _addresses(message, "From")  # several From addresses are legal, and rare
    return ReplyContent(
        message_id=_line(_header(message, "Message-ID"), max_length=300),
        recipients=[address for address in recipients if address],
        from_address=senders[0] if senders else "",
        # One line: the subject goes into the forwarded mail's Subject header.
        subject=_line(_header(message, "Subject"), max_length=300),
        body_text=body,
        body_truncated=truncated,
        spam_detected=bool(message.spam_detected),
        automatic=reply_is_automatic(message),
        files=_file_parts(message),
    )


def _candidate_tokens(recipients: list[str]) -> dict[str, str]:
    """reply token → the address it came from, for every recipient on the reply domain."""
    domain = settings.REPLY_DOMAIN.lower()
    tokens: dict[str, str] = {}
    for address in recipients:
        local, _at, address_domain = address.strip().lower().rpartition("@")
        if local and address_domain == domain:
            tokens.setdefault(local.split("+", 1)[0], address)
    return tokens


def reply_is_automatic(message: AnymailInboundMessage) -> bool:
    """Out-of-office notices and other machine answers (RFC 3834 and the common non-standard headers)."""
    auto_submitted = (_header(message, "Auto-Submitted") or "no").strip().lower()
    precedence = _header(message, "Precedence").strip().lower()
    return (
        auto_submitted != "no"
        or precedence in ("auto_reply", "bulk", "junk", "list")
        or any(_header(message, header) for header in ("X-Autoreply", "X-Autorespond"))
    )


def _letter_match(recipients: list[str]) -> tuple[Letter | None, str]:
    tokens = _candidate_tokens(recipients)
    if not tokens:
        return None, recipients[0] if recipients else ""
    letters = {letter.reply_token: letter for letter in Letter.objects.filter(reply_token__in=list(tokens))}
    for token, address in tokens.items():
        if token in letters:
            return letters[token], address
    return None, next(iter(tokens.values()))


def reply_receive(
    *, event_id: str | None, message: AnymailInboundMessage, received_at: datetime.datetime | None = None
) -> Reply:
    """Store one inbound message as a Reply. Seen before (same ESP id or Message-ID) → the existing row, unchanged."""
    content = reply_message_read(message=message)
    message_id = content.message_id
    dedupe_key = _line(event_id or "", max_length=200) or (f"message-id:{message_id}"[:200] if message_id else None)
    if dedupe_key:
        existing = Reply.objects.filter(inbound_event_id=dedupe_key).first()
        if existing:
            return existing

    letter, recipient = _letter_match(content.recipients)
    spam, automatic = content.spam_detected, content.automatic
    reply = Reply(
        # Spam and auto-replies keep their letter for the organiser, but wait in triage: they prove no answer.
        state=ReplyState.MATCHED if letter and not (spam or automatic) else ReplyState.TRIAGE,
        letter=letter,
        campaign_id=letter.campaign_id if letter else None,
        office_id=letter.office_id if letter else None,
        inbound_event_id=dedupe_key,
        message_id=message_id,
        received_at=received_at or timezone.now(),
        recipient=recipient,
        from_address=content.from_address,
        subject=content.subject,
        body_text=content.body_text,
        body_truncated=content.body_truncated,
        spam_detected=spam,
        automatic=automatic,
    )
    try:
        with transaction.atomic():
            reply.save()
            dropped = reply_attachments_keep(reply=reply, parts=content.files)
            if dropped:
                reply.attachments_dropped = min(dropped, 32767)
                reply.save(update_fields=["attachments_dropped"])
    except IntegrityError:
        return Reply.objects.get(inbound_event_id=dedupe_key)
    logger.info("Reply %s stored (%s)", reply.pk, reply.state)
    if reply.state == ReplyState.MATCHED:
        _forward_on_commit(reply)
    return reply


def _raw_text(raw: bytes) -> str:
    # Undecodable bytes and control characters become visible \xNN escapes: PostgreSQL refuses NUL in text, and a
    # person may still recognise another encoding in them.
    text = raw.decode("utf-8", errors="backslashreplace")
    return _RAW_CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def reply_unreadable_store(
    *, raw: bytes, reason: str, detail: str = "", received_at: datetime.datetime | None = None
) -> Reply:
    """Keep an inbound webhook body that cannot be read as a message in the triage queue, raw, cut at
    REPLY_MAX_BYTES. Refusing it would only make the ESP retry, then drop the mail. The same body again (the ESP's
    retry) → the existing row, unchanged."""
    dedupe_key = f"raw-sha256:{hashlib.sha256(raw).hexdigest()}"
    existing = Reply.objects.filter(inbound_event_id=dedupe_key).first()
    if existing:
        return existing
    limit = settings.REPLY_MAX_BYTES
    text, truncated = _text_limit(_raw_text(raw[:limit]), max_bytes=limit)
    # Stored text, so in the site's language rather than whichever the ESP's request happened to ask for.
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Unreadable inbound payload: %(reason)s") % {"reason": reason}
    reply = Reply(
        state=ReplyState.TRIAGE,
        inbound_event_id=dedupe_key,
        received_at=received_at or timezone.now(),
        subject=_line(f"{subject} ({detail})" if detail else subject, max_length=300),
        raw_payload=text,
        body_truncated=truncated or len(raw) > limit,
    )
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        return Reply.objects.get(inbound_event_id=dedupe_key)
    logger.warning("Unreadable inbound body of %s bytes kept for triage as reply %s", len(raw), reply.pk)
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
    # A body kept raw could not be read as a message: forwarding it would send the supporter an empty email.
    if letter is not None and not reply.raw_payload:
        _forward_on_commit(reply)
    return reply


def reply_discard(*, reply: Reply) -> None:
    """Triage verdict "not a reply to us": keep the row for the record, but drop its content."""
    reply_attachments_delete(replies=[reply])
    reply.state = ReplyState.DISCARDED
    reply.subject = reply.body_text = reply.from_address = reply.raw_payload = ""
    reply.content_erased_at = timezone.now()
    reply.save(update_fields=["state", "subject", "body_text", "from_address", "raw_payload", "content_erased_at"])


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
    return replies.update(
        subject="", body_text="", from_address="", recipient="", raw_payload="", content_erased_at=timezone.now()
    )
