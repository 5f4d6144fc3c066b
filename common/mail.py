"""The one door every email leaves by.

Each email is a MailIntent, declared once in its app's `emails.py` with a template name:
`<name>_subject.txt` and `<name>.txt` are required, `<name>.html` is added where it exists. Text parts are
rendered without HTML escaping; the HTML part is escaped as usual. Intents render in the language they are
given and carry the tool's defaults: tagged, no open or click tracking. Callers send from a task, or
from transaction.on_commit, so no mail leaves for data that was rolled back or while a row lock is held.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr

from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

from anymail.message import AnymailMessage

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
    """Send now, through the configured backend (anymail's code paths). Callers outside a transaction only."""
    message.send()
    return message


def _text_render(name: str, context: dict) -> str:
    template = get_template(name).template  # the engine's own Template: a Context can turn escaping off
    return template.render(Context(context, autoescape=False))


def _html_render(name: str, context: dict) -> str | None:
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return None
    return template.render(context)
