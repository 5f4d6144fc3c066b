"""The ESP's inbound webhook for replies, allowed a larger body than the rest of the site.

Offices often answer with a scanned, signed PDF. With Django's default 2.5 MB request limit such a reply
would be refused and, after the ESP's retries, lost. Only this authenticated endpoint gets the larger limit
(REPLY_MAX_REQUEST_BYTES); services/attachments.py then keeps PDFs and pictures up to their own size limit
and drops the rest.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest

from anymail.signals import AnymailInboundEvent
from anymail.webhooks.postmark import PostmarkInboundWebhookView

logger = logging.getLogger(__name__)


def _one_line(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


class InboundReplyWebhookView(PostmarkInboundWebhookView):
    def esp_to_anymail_event(self, esp_event: Any) -> AnymailInboundEvent:
        # Postmark hands over decoded header values, which may hold line breaks (e.g. an encoded subject);
        # the email package refuses those, and the reply would be lost. Headers are one line.
        if isinstance(esp_event, dict):
            for field in ("Subject", "From", "FromName", "To", "Cc", "Bcc", "ReplyTo", "Date", "OriginalRecipient"):
                esp_event[field] = _one_line(esp_event.get(field, ""))
            esp_event["Headers"] = [
                {"Name": _one_line(header.get("Name", "")), "Value": _one_line(header.get("Value", ""))}
                for header in esp_event.get("Headers") or []
                if isinstance(header, dict)
            ]
        return super().esp_to_anymail_event(esp_event)

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
        try:
            return super().parse_events(request)
        except ValueError as error:  # not JSON, or not UTF-8: a client error, not ours
            raise BadRequest("Inbound webhook body is not valid JSON.") from error
