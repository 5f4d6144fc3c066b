"""Development email backend: anymail's test backend (so anymail's real code paths run), plus .eml files.

Each message lands in settings.DEV_MAILBOX_DIR, shown at /dev/mailbox/.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.backends.test import TestPayload
from anymail.message import AnymailRecipientStatus


class EmailBackend(AnymailTestBackend):
    esp_name = "DevMailbox"

    def post_to_esp(self, payload: TestPayload, message: EmailMessage) -> dict[str, dict[str, AnymailRecipientStatus]]:
        # Unlike the test backend, keep nothing in memory: a dev server runs for days.
        message.anymail_test_params = payload.get_params()
        message_id = uuid.uuid4().hex
        mailbox = Path(settings.DEV_MAILBOX_DIR)
        mailbox.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        (mailbox / f"{stamp}-{message_id}.eml").write_bytes(message.message().as_bytes())
        status = AnymailRecipientStatus(message_id=message_id, status="sent")
        return {"recipient_status": dict.fromkeys(payload.recipient_emails, status)}
