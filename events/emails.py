"""The email of events: organisers of a country hear of a new proposal. Templates: templates/events/emails/."""

from django.conf import settings
from django.urls import reverse

from anymail.message import AnymailMessage

from common.mail import mail_intent

from .models import Event

EVENT_PROPOSED = mail_intent("events/emails/event_proposed", tag="organiser-notice")


def event_proposed_message_build(*, event: Event, to: list[str]) -> AnymailMessage:
    """What and where, and the link to review it; the proposer's contact stays in the admin."""
    return EVENT_PROPOSED.build(
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        language=settings.LANGUAGE_CODE,
        context={
            "event": event,
            "office": event.office,
            # Formatted here: a template's date filter would shift the time to the server's zone.
            "when": f"{event.starts_local:%Y-%m-%d %H:%M}–{event.ends_local:%H:%M}",
            "admin_url": settings.SITE_URL.rstrip("/") + reverse("admin:events_event_change", args=[event.pk]),
        },
    )
