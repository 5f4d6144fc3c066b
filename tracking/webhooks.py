"""The ESP's webhooks: delivery events, and inbound replies, which are never lost.

Offices often answer with a scanned, signed PDF. With Django's default 2.5 MB request limit such a reply
would be refused and, after the ESP's retries, lost. Only the authenticated inbound endpoint gets the larger
limit (REPLY_MAX_REQUEST_BYTES); services/attachments.py then keeps PDFs and pictures up to their own size limit
and counts the rest as dropped.

Postmark retries an inbound post that is not answered 2xx, then gives the mail up. So the inbound webhook refuses
only a request without the webhook credentials (anymail's check) or over the size limit. Odd header forms are
normalised here before anymail builds the message; a body that still cannot be read as a message is kept raw in
the triage queue and answered 200 with the reason.
"""

import base64
import json
import logging
import re
from collections import Counter
from email import policy
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, ImproperlyConfigured, RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from anymail.exceptions import AnymailError
from anymail.signals import AnymailInboundEvent
from anymail.utils import EmailAddress
from anymail.webhooks.postal import PostalInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView, PostmarkTrackingWebhookView

from .services.replies import (
    UNREADABLE_MESSAGE,
    UNREADABLE_MISTYPED,
    UNREADABLE_NOT_JSON,
    UNREADABLE_NOT_OBJECT,
    UNREADABLE_NOT_UTF8,
    reply_message_read,
    reply_unreadable_store,
)

logger = logging.getLogger(__name__)

# Control characters that split() leaves in place, and lone surrogates (JSON can spell them): no header holds them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f\ud800-\udfff]")
# RFC 5322 field names: printable ASCII except the colon.
_HEADER_NAME = re.compile(r"[!-9;-~]+")
ONE_LINE_FIELDS = ("Subject", "From", "FromName", "To", "Cc", "Bcc", "ReplyTo", "Date", "OriginalRecipient")
TEXT_FIELDS = (*ONE_LINE_FIELDS, "TextBody", "HtmlBody", "StrippedTextReply", "MessageID", "RawEmail")
# The lists of objects anymail reads, and their text keys.
OBJECT_LISTS = {
    "ToFull": ("Email", "Name"),
    "CcFull": ("Email", "Name"),
    "BccFull": ("Email", "Name"),
    "Headers": ("Name", "Value"),
    "Attachments": ("Name", "Content", "Data", "ContentType", "ContentID"),
}
# anymail sets these headers from FromFull, ToFull, CcFull, BccFull and Subject before it adds the Headers list.
_HEADERS_FROM_FIELDS = ("from", "to", "cc", "bcc", "subject")


def _one_line(value: Any) -> Any:
    return " ".join(_CONTROL_CHARACTERS.sub("", value).split()) if isinstance(value, str) else value


def _text(value: Any) -> str:
    return _one_line(value) if isinstance(value, str) else ""


# The email package's parsers raise on some odd values, and not only their documented errors: an IndexError for a
# Reply-To of `<`, an AttributeError for the address `:@[`. The probes below catch anything, because a bug in the
# standard library must not make the whole reply unreadable.


def _header_storable(name: str, value: str) -> bool:
    try:
        str(policy.default.header_factory(name, value))
    except Exception:
        return False
    return True


def _address_written(*, name: str, email: str) -> str | None:
    """The address as anymail writes it into a header, if the email package can read that back."""
    try:
        written = str(EmailAddress(display_name=name, addr_spec=email))
    except Exception:
        return None
    return written if _header_storable("To", written) else None


def _address_normalise(raw: Any) -> str:
    """The addr-spec anymail accepts for what the sender wrote, or "" where there is no address at all (empty,
    `undisclosed-recipients:;`). Spaces around the @ are dropped; a local part with spaces inside is quoted, as
    RFC 5322 would have had it."""
    text = _text(raw).strip().removeprefix("<").removesuffix(">").strip()
    local, at, domain = text.rpartition("@")
    local, domain = local.strip(), domain.strip()
    if not (at and local and domain):
        return ""
    quoted = '"{}"'.format(local.strip('"').replace("\\", "\\\\").replace('"', '\\"'))
    for candidate in (f"{local}@{domain}", f"{quoted}@{domain}"):
        if _address_written(name="", email=candidate):
            return EmailAddress(addr_spec=candidate).addr_spec
    return ""


def _address_clean(value: Any) -> dict | None:
    if not isinstance(value, dict):
        return None
    email = _address_normalise(value.get("Email"))
    if not email:
        return None
    for name in (_text(value.get("Name")), ""):
        if _address_written(name=name, email=email):
            return {"Email": email, "Name": name}
    return None


def _addresses_clean(full: Any, text: Any) -> list[dict]:
    """Postmark's parsed addresses (a FromFull dict, a ToFull list); without them, those of the header text."""
    if isinstance(full, dict):
        full = [full]
    if not isinstance(full, list):
        full = [{"Email": address, "Name": name} for name, address in getaddresses([_text(text)])]
    return [clean for clean in map(_address_clean, full) if clean]


def _headers_clean(headers: list[dict] | None) -> list[dict]:
    """The header list without what the email package raises on: a second copy of a header allowed once, a name
    that is no header name, a value its parser fails on. The Return-Path Postmark puts first stays first."""
    seen = Counter(_HEADERS_FROM_FIELDS)
    cleaned = []
    for header in headers or []:
        name = header.get("Name") or ""
        if not _HEADER_NAME.fullmatch(name):
            continue
        allowed = policy.default.header_max_count(name)
        value = _text(header.get("Value"))
        if (allowed is not None and seen[name.lower()] >= allowed) or not _header_storable(name, value):
            continue
        seen[name.lower()] += 1
        cleaned.append({"Name": name, "Value": value})
    return cleaned


def _base64_readable(content: str) -> bool:
    try:
        base64.b64decode(content)
    except ValueError:
        return False
    return True


def _attachments_clean(items: list[dict] | None) -> list[dict]:
    """Attachments anymail can build. One it could not (no content, broken base64, no type) becomes an empty
    file, which is counted as dropped, rather than making the whole reply unreadable."""
    cleaned = []
    for item in items or []:
        content = item.get("Content") or item.get("Data") or ""  # Postmark's "Check" button sends "Data"
        content_type = _text(item.get("ContentType"))
        if content_type.split("/")[0].strip().lower() in ("", "message", "multipart"):
            # Only PDFs and pictures are kept; a nested message would be parsed for nothing, and may not parse.
            content_type = "application/octet-stream"
        # anymail reads "Data" when "Content" is empty.
        attachment = {"Content": content if _base64_readable(content) else "", "Data": "", "ContentType": content_type}
        if item.get("Name") is not None:
            attachment["Name"] = _text(item["Name"])
        # An empty ContentID would make anymail file the part as inline; only a real one marks a pasted picture.
        if _text(item.get("ContentID")):
            attachment["ContentID"] = _text(item["ContentID"])
        cleaned.append(attachment)
    return cleaned


def _object_ok(value: Any, keys: tuple[str, ...]) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(key), str | None) for key in keys)


def _fields_mistyped(esp_event: dict) -> list[str]:
    """The fields anymail reads that hold another JSON type than Postmark sends; null counts as absent. Such a
    body was not written by Postmark's parser: it is kept raw rather than read with parts treated as empty."""
    mistyped = [field for field in TEXT_FIELDS if not isinstance(esp_event.get(field), str | None)]
    if not (esp_event.get("FromFull") is None or _object_ok(esp_event["FromFull"], ("Email", "Name"))):
        mistyped.append("FromFull")
    for field, keys in OBJECT_LISTS.items():
        value = esp_event.get(field)
        if not (value is None or isinstance(value, list) and all(_object_ok(item, keys) for item in value)):
            mistyped.append(field)
    return mistyped


def _inbound_fields_clean(esp_event: dict) -> dict:
    """Postmark hands over decoded header values, which may hold line breaks (an encoded subject, a display name)
    and addresses of any form; the email package refuses those, and the reply would be lost. Headers become one
    line; addresses are normalised, or left out where they are none (empty, `undisclosed-recipients:;`)."""
    for field in ONE_LINE_FIELDS:
        esp_event[field] = _text(esp_event.get(field))
    for field, header in (("Subject", "Subject"), ("Date", "Date"), ("ReplyTo", "Reply-To")):
        if not _header_storable(header, esp_event[field]):
            esp_event[field] = ""
    from_full = _addresses_clean(esp_event.get("FromFull"), esp_event["From"])
    esp_event["FromFull"] = from_full[0] if from_full else None
    for field in ("To", "Cc", "Bcc"):
        esp_event[f"{field}Full"] = _addresses_clean(esp_event.get(f"{field}Full"), esp_event[field])
    esp_event["OriginalRecipient"] = _address_normalise(esp_event["OriginalRecipient"])
    esp_event["Headers"] = _headers_clean(esp_event.get("Headers"))
    for field in ("TextBody", "HtmlBody", "StrippedTextReply", "MessageID"):
        esp_event[field] = esp_event.get(field) or ""
    if esp_event.get("RawEmail") is None:
        esp_event.pop("RawEmail", None)
    esp_event["Attachments"] = _attachments_clean(esp_event.get("Attachments"))
    return esp_event


class MalformedPayloadIsBadRequest:
    """An authenticated delivery event anymail cannot read (not UTF-8, not JSON, a list, fields of the wrong type)
    is the sender's error, and no mail: 400 with the reason, never a 500. Errors after parsing, in our own
    receivers, stay 500s, so the ESP retries."""

    def parse_events(self, request: HttpRequest) -> list:
        try:
            return super().parse_events(request)
        except (ValueError, TypeError, KeyError, AttributeError, AnymailError, ImproperlyConfigured) as error:
            logger.warning("Webhook body refused as malformed: %s", error.__class__.__name__)
            raise BadRequest(f"Malformed webhook body ({error.__class__.__name__}).") from error


class TrackingWebhookView(MalformedPayloadIsBadRequest, PostmarkTrackingWebhookView):
    pass


class _Unreadable(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


class InboundNeverLost:
    """What every inbound view shares: the large body limit of replies (scanned letters), 413 above it, and a body
    that cannot be read as a message kept raw for triage, answered 200 so the ESP does not retry and then drop it."""

    # An ESP whose signature covers the body (Postal) has it read before the check, under our limit.
    body_read_before_validation = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # anymail checks the credentials first: a stranger's post is refused before any of this runs.
        try:
            if self.body_read_before_validation:
                inbound_body_read(request)
            return super().post(request, *args, **kwargs)
        except RequestDataTooBig:
            return HttpResponse("Inbound mail over the size limit.", status=413, content_type="text/plain")
        except _Unreadable as unreadable:
            logger.warning("Inbound body unreadable (%s; %s); kept for triage", unreadable.reason, unreadable.detail)
            reply = reply_unreadable_store(raw=request.body, reason=unreadable.reason, detail=unreadable.detail)
            return HttpResponse(f"Kept for triage: {reply.subject}", content_type="text/plain; charset=utf-8")


class InboundReplyWebhookView(InboundNeverLost, PostmarkInboundWebhookView):
    def parse_events(self, request: HttpRequest) -> list[AnymailInboundEvent]:
        body = inbound_body_read(request)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _Unreadable(UNREADABLE_NOT_UTF8) from error
        try:
            esp_event = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise _Unreadable(UNREADABLE_NOT_JSON) from error
        if not isinstance(esp_event, dict):
            raise _Unreadable(UNREADABLE_NOT_OBJECT)
        mistyped = _fields_mistyped(esp_event)
        if mistyped:
            raise _Unreadable(UNREADABLE_MISTYPED, ", ".join(mistyped))
        try:
            event = self.esp_to_anymail_event(_inbound_fields_clean(esp_event))
            # Read it now, as the receiver will: what the email package cannot read is kept raw here, where a
            # failure in the receiver would be a 500, retried and finally dropped by the ESP.
            reply_message_read(message=event.message)
        except Exception as error:  # parsing touches no database: any failure means this body is unreadable
            raise _Unreadable(UNREADABLE_MESSAGE, error.__class__.__name__) from error
        return [event]


def inbound_body_read(request: HttpRequest) -> bytes:
    """The body, read once under REPLY_MAX_REQUEST_BYTES (Django's smaller upload limit does not apply)."""
    if not hasattr(request, "_body"):
        limit = settings.REPLY_MAX_REQUEST_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # as Django treats it: read what comes, up to the limit
        if declared > limit:
            logger.warning("Inbound mail refused: %s bytes is over the limit", declared)
            raise RequestDataTooBig("Inbound mail over REPLY_MAX_REQUEST_BYTES.")
        body = request.read(limit + 1)
        if len(body) > limit:
            logger.warning("Inbound mail refused: the body is over the limit")
            raise RequestDataTooBig("Inbound mail over REPLY_MAX_REQUEST_BYTES.")
        # HttpRequest.body would re-check DATA_UPLOAD_MAX_MEMORY_SIZE; hand it the body already read.
        request._body = body
    return request._body


class PostalInboundReplyWebhookView(InboundNeverLost, PostalInboundWebhookView):
    """Postal's inbound webhook, with the same limits and the same raw triage as Postmark's."""

    body_read_before_validation = True

    def parse_events(self, request: HttpRequest) -> list[AnymailInboundEvent]:
        try:
            events = super().parse_events(request)
            for event in events:
                reply_message_read(message=event.message)
        except Exception as error:  # parsing touches no database: any failure means this body is unreadable
            raise _Unreadable(UNREADABLE_MESSAGE, error.__class__.__name__) from error
        return events
