"""Files that come with replies: keep scanned letters (PDF, PNG, JPEG), recognised by their bytes; drop the rest."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile

from ..models import Reply, ReplyAttachment

# The first bytes decide the type; the sender's name and declared type are not trusted.
_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w .()-]+", re.UNICODE)


def attachment_type_sniff(content: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def _display_name(raw: str | None) -> str:
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME_CHARACTERS.sub("_", name).strip(" .")[:200]


def reply_attachments_keep(*, reply: Reply, parts: list) -> int:
    """Store the acceptable attachments of a saved reply. Returns how many were dropped."""
    kept = dropped = 0
    for part in parts:
        content = part.get_content_bytes() or b""
        content_type = attachment_type_sniff(content)
        too_big = len(content) > settings.REPLY_ATTACHMENT_MAX_BYTES
        if content_type is None or too_big or kept >= settings.REPLY_ATTACHMENTS_MAX:
            dropped += 1
            continue
        attachment = ReplyAttachment(
            reply=reply, display_name=_display_name(part.get_filename()), content_type=content_type, size=len(content)
        )
        attachment.file.save("attachment", ContentFile(content), save=True)
        kept += 1
    return dropped


def reply_attachments_delete(*, replies: Iterable[Reply]) -> int:
    """Delete the files and rows of these replies' attachments."""
    attachments = list(ReplyAttachment.objects.filter(reply__in=replies))
    for attachment in attachments:
        attachment.file.delete(save=False)
    ReplyAttachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()
    return len(attachments)
