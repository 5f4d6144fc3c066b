"""The ESP's inbound webhook for replies, allowed a larger body than the rest of the site.

Offices often answer with a scanned, signed PDF. With Django's default 2.5 MB request limit such a reply
would be refused and, after the ESP's retries, lost. Only this authenticated endpoint gets the larger limit
(REPLY_MAX_REQUEST_BYTES); services/attachments.py then keeps PDFs and pictures up to their own size limit
and drops the rest.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, ImproperlyConfigured, RequestDataTooBig
from django.http import HttpRequest

from anymail.exceptions import AnymailError
from anymail.signals import AnymailInboundEvent
from anymail.webhooks.postmark import PostmarkInboundWebhookView, PostmarkTrackingWebhookView

logger = logging.getLogger(__name__)


def _one_line(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


ONE_LINE_FIELDS = ("Subject", "From", "FromName", "To", "Cc", "Bcc", "ReplyTo", "Date", "OriginalRecipient")
ADDRESS_LISTS = ("FromFull", "ToFull", "CcFull", "BccFull")


def _address_clean(value: Any) -> dict | None:
    if not isinstance(value, dict):
        return None
    return {key: _one_line(value.get(key)) if isinstance(value.get(key), str) else "" for key in ("Email", "Name")}


def _inbound_fields_clean(esp_event: dict) -> dict:
    """Postmark hands over decoded header values, which may hold line breaks (an encoded subject, a display name);
    the email package refuses those, and the reply would be lost. Headers are one line, and a field of the wrong
    type is treated as empty rather than crashing the matching."""
    for field in ONE_LINE_FIELDS:
        value = esp_event.get(field)
        esp_event[field] = _one_line(value) if isinstance(value, str) else ""
    for field in ADDRESS_LISTS:
        value = esp_event.get(field)
        if field == "FromFull":
            esp_event[field] = _address_clean(value) or {"Email": "", "Name": ""}
        else:
            esp_event[field] = [
                clean for clean in map(_address_clean, value if isinstance(value, list) else []) if clean
            ]
    esp_event["Headers"] = [
        {"Name": _one_line(header.get("Name", "")), "Value": _one_line(header.get("Value", ""))}
        for header in esp_event.get("Headers") or []
        if isinstance(header, dict)
    ]
    for field in ("TextBody", "HtmlBody", "StrippedTextReply", "MessageID"):
        if field in esp_event and not isinstance(esp_event[field], str):
            esp_event[field] = ""
    if not isinstance(esp_event.get("Attachments", []), list):
        esp_event["Attachments"] = []
    esp_event["Attachments"] = [item for item in esp_event.get("Attachments") or [] if isinstance(item, dict)]
    return esp_event


class MalformedPayloadIsBadRequest:
    """An authenticated body anymail cannot read (not UTF-8, not JSON, a list, fields of the wrong type) is the
    sender's error: 400 with the reason, never a 500. Errors after parsing, in our own receivers, stay 500s, so
    the ESP retries."""

    def parse_events(self, request: HttpRequest) -> list:
        try:
            return super().parse_events(request)
        except (ValueError, TypeError, KeyError, AttributeError, AnymailError, ImproperlyConfigured) as error:
            logger.warning("Webhook body refused as malformed: %s", error.__class__.__name__)
            raise BadRequest(f"Malformed webhook body ({error.__class__.__name__}).") from error


class TrackingWebhookView(MalformedPayloadIsBadRequest, PostmarkTrackingWebhookView):
    pass


class InboundReplyWebhookView(MalformedPayloadIsBadRequest, PostmarkInboundWebhookView):
    def esp_to_anymail_event(self, esp_event: Any) -> AnymailInboundEvent:
        if not isinstance(esp_event, dict):
            raise TypeError("the inbound body is not a JSON object")
        return super().esp_to_anymail_event(_inbound_fields_clean(esp_event))

    def parse_events(self, request: HttpRequest) -> list[AnymailInboundEvent]:
        # Runs after anymail has checked the basic auth, so strangers cannot make us read large bodies.
        if not hasattr(request, "_body"):
            limit = settings.REPLY_MAX_REQUEST_BYTES
            if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
                logger.warning("Inbound mail refused: %s bytes is over the limit", request.META.get("CONTENT_LENGTH"))
                raise RequestDataTooBig("Inbound mail over REPLY_MAX_REQUEST_BYTES.")
            body = request.read(limit + 1)
            if len(body) > limit:
                raise RequestDataTooBig("Inbound mail over REPLY_MAX_REQUEST_BYTES.")
            # HttpRequest.body would re-check DATA_UPLOAD_MAX_MEMORY_SIZE; hand it the body already read.
            request._body = body
        return super().parse_events(request)
