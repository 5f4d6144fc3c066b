"""The one door every email leaves by.

Each email is a MailIntent, declared once in its app's `emails.py` with a template name:
`<name>_subject.txt` and `<name>.txt` are required, `<name>.html` is added where it exists. Text parts are
rendered without HTML escaping; the HTML part is escaped as usual. Intents render in the language they are
given and carry the tool's defaults: tagged, no open or click tracking. Callers send from a task, or
from transaction.on_commit, so no mail leaves for data that was rolled back or while a row lock is held.
"""

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

import requests
from anymail.message import AnymailMessage

logger = logging.getLogger(__name__)

# Characters that could end a header or confuse a mail client in a display name.
_UNSAFE_IN_DISPLAY_NAME = str.maketrans(dict.fromkeys([*range(32), 127, *map(ord, '<>"\\@,;:')], " "))

SUBJECT_MAX = 300

MAIL_INTENTS: dict[str, "MailIntent"] = {}


def display_name_sanitise(name: str) -> str:
    """Keep a name readable but inert in a From: header."""
    return " ".join(name.translate(_UNSAFE_IN_DISPLAY_NAME).split())[:100]


def address_format(*, name: str, email: str) -> str:
    local, _at, domain = email.partition("@")
    return str(Address(display_name=display_name_sanitise(name), username=local, domain=domain))


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class MailIntent:
    template: str  # e.g. "campaign/emails/confirmation"
    tag: str

    def subject(self, context: dict) -> str:
        # One line, whatever the template or the data hold: the subject becomes a header.
        return " ".join(_text_render(f"{self.template}_subject.txt", context).split())[:SUBJECT_MAX]

    def build(
        self,
        *,
        to: Sequence[str],
        from_email: str,
        language: str,
        context: dict,
        reply_to: Sequence[str] = (),
        cc: Sequence[str] = (),
        metadata: dict | None = None,
        attachments: Sequence[Attachment] = (),
        message_id: str | None = None,
    ) -> AnymailMessage:
        """message_id: the Message-ID header; by default a new one in the sender's domain."""
        context = {**context, "language": language}
        with translation.override(language):
            subject = self.subject(context)
            text = _text_render(f"{self.template}.txt", context)
            html = _html_render(f"{self.template}.html", context)
        message = AnymailMessage(
            subject=subject,
            body=text,
            from_email=from_email,
            to=list(to),
            cc=list(cc),
            reply_to=list(reply_to),
            metadata=metadata or {},
            tags=[self.tag],
            track_opens=False,
            track_clicks=False,
            # Django's SMTP backend would name the machine's host (often @localhost), which spam filters hold
            # against a message; ESPs that set their own (Postal) replace it.
            headers={"Message-ID": message_id or message_id_new(from_email=from_email)},
        )
        if html is not None:
            message.attach_alternative(html, "text/html")
        for attachment in attachments:
            message.attach(attachment.filename, attachment.content, attachment.content_type)
        return message


def message_id_new(*, from_email: str) -> str:
    """A new Message-ID in the domain the message comes from."""
    return make_msgid(domain=parseaddr(from_email)[1].rpartition("@")[2] or None)


def mail_intent(template: str, *, tag: str) -> MailIntent:
    """Declare an email. Every intent is listed in MAIL_INTENTS, so tests can render each one."""
    intent = MailIntent(template=template, tag=tag)
    MAIL_INTENTS[template] = intent
    return intent


def mail_send(message: AnymailMessage) -> AnymailMessage:
    """Send now, through the configured backend (anymail's code paths). Callers outside a transaction only.

    The backend's connection (an HTTP session, an SMTP session) stays open for the next message of this thread:
    a worker sending hundreds of letters opens one, not one per letter. Any error closes it, so the next message
    starts on a fresh one; the error itself still reaches the caller, which decides about retrying.
    """
    connection = _connection_held()
    message.connection = connection
    try:
        message.send()
    except BaseException:
        mail_connection_drop()
        raise
    finally:
        message.connection = None
    _HELD.used_at = time.monotonic()
    return message


# A connection idle this long may have been closed by the other side (SMTP servers drop idle sessions within
# minutes); it is replaced rather than tried, so a quiet worker's first message does not fail for it.
CONNECTION_IDLE_SECONDS = 60


class _HeldConnection(threading.local):
    connection: BaseEmailBackend | None = None
    backend: str = ""
    pid: int = 0
    used_at: float = 0.0


class _AllHeld:
    """Every thread's open connection, so that a worker process can close them all when it stops."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connections: dict[int, BaseEmailBackend] = {}


_HELD = _HeldConnection()
_ALL_HELD = _AllHeld()


def _connection_held() -> BaseEmailBackend:
    """This thread's open connection to the configured backend, opened (again) when needed."""
    stale = time.monotonic() - _HELD.used_at > CONNECTION_IDLE_SECONDS
    if _HELD.connection is not None and (_HELD.pid != os.getpid() or _HELD.backend != settings.EMAIL_BACKEND or stale):
        mail_connection_drop()
    if _HELD.connection is None:
        connection = get_connection(fail_silently=False)
        connection.open()
        _HELD.connection, _HELD.backend, _HELD.pid = connection, settings.EMAIL_BACKEND, os.getpid()
        _HELD.used_at = time.monotonic()
        with _ALL_HELD.lock:
            _ALL_HELD.connections[threading.get_ident()] = connection
    return _HELD.connection


def mail_http_session() -> requests.Session | None:
    """The requests session of this thread's open connection, when the backend is an HTTP API (anymail's): a
    question to the same ESP (has it taken this letter?) then goes over the connection the letters use."""
    session = getattr(_connection_held(), "session", None)
    return session if isinstance(session, requests.Session) else None


def mail_connection_drop() -> None:
    """Close this thread's connection; the next message opens a new one."""
    connection, _HELD.connection = _HELD.connection, None
    with _ALL_HELD.lock:
        _ALL_HELD.connections.pop(threading.get_ident(), None)
    if connection is not None and _HELD.pid == os.getpid():
        _connection_close(connection)


def mail_connections_close() -> None:
    """Close every thread's connection: a worker process that stops says goodbye to the ESP."""
    with _ALL_HELD.lock:
        connections = list(_ALL_HELD.connections.values())
        _ALL_HELD.connections.clear()
    _HELD.connection = None
    for connection in connections:
        _connection_close(connection)


def mail_connections_forget() -> None:
    """In a new child process: forget the parent's connections without closing them. Their sockets are the
    parent's too, and an SMTP QUIT from the child would end the parent's session. A new lock too: another
    thread of the parent may have held it at the fork, and it would never be released here."""
    _ALL_HELD.__init__()
    _HELD.connection = None


def _connection_close(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception as error:  # noqa: BLE001  (a connection already broken closes as well as it can)
        logger.debug("mail connection closed with %s", error.__class__.__name__)


os.register_at_fork(after_in_child=mail_connections_forget)


@receiver(setting_changed)
def _connection_drop_on_settings_change(*, setting: str, **kwargs: object) -> None:
    """Tests switch backends and their settings; a connection opened under the old ones must not be reused."""
    if setting.startswith("EMAIL_") or setting in {"ANYMAIL", "POSTMARK_API_URL"}:
        mail_connection_drop()


def _text_render(name: str, context: dict) -> str:
    template = get_template(name).template  # the engine's own Template: a Context can turn escaping off
    return template.render(Context(context, autoescape=False))


def _html_render(name: str, context: dict) -> str | None:
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return None
    return template.render(context)
