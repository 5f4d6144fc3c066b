"""The dev mailbox: read the .eml files the dev backend wrote. Only wired in when DEBUG is on."""

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

MESSAGE_NAME = re.compile(r"^[0-9T]+-[0-9a-f]{32}$")
SHOWN_HEADERS = ["From", "To", "Cc", "Reply-To", "Subject", "Date"]


def _mailbox() -> Path:
    return Path(settings.DEV_MAILBOX_DIR)


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def mailbox_list(request: HttpRequest) -> HttpResponse:
    files = sorted(_mailbox().glob("*.eml"), reverse=True) if _mailbox().is_dir() else []
    # Not "messages": that name is Django's messages framework in every template's context.
    mails = []
    for path in files[:200]:
        parsed = _parse(path)
        mails.append({"name": path.stem, "subject": parsed["Subject"], "to": parsed["To"], "from": parsed["From"]})
    return render(request, "devmailbox/list.html", {"mails": mails})


def mailbox_message(request: HttpRequest, name: str) -> HttpResponse:
    if not MESSAGE_NAME.match(name):
        raise Http404(_("No such message."))
    path = _mailbox() / f"{name}.eml"
    if not path.is_file():
        raise Http404(_("No such message."))
    parsed = _parse(path)
    body_part = parsed.get_body(preferencelist=("plain",))
    headers = [(header, parsed[header]) for header in SHOWN_HEADERS if parsed[header]]
    return render(
        request,
        "devmailbox/message.html",
        {"headers": headers, "body": body_part.get_content() if body_part else ""},
    )
