"""Writes for events: proposals, review by the organisers of the office's country, "I'll come", photos, retention."""

import datetime
import enum
import logging
import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign
from common.abuse import rate_limit_hit
from common.mail import mail_send
from common.queueing import task_queue_on_commit
from embassies.models import Office
from embassies.selectors import organiser_country_codes, organiser_emails_for_country, records_in_country_scope

from .emails import event_proposed_message_build
from .images import image_reencode
from .models import Event, EventPhoto, EventStatus
from .tasks import event_proposed_notify_task

logger = logging.getLogger(__name__)

RSVP_WINDOW_SECONDS = 24 * 3600


class EventRateLimited(Exception):
    """Too many attempts from one address; the view answers 429."""


def event_propose(
    *,
    campaign: Campaign,
    office: Office,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    meeting_point: str,
    description: str,
    organiser_contact: str,
    client_ip: str,
) -> Event:
    """Store a proposal for the organisers of the office's country to review. Nothing is public yet."""
    if rate_limit_hit(
        scope="event-propose",
        key=client_ip,
        limit=settings.RATE_LIMIT_EVENT_PROPOSALS_PER_IP,
        window_seconds=settings.RATE_LIMIT_WINDOW_SECONDS,
    ):
        raise EventRateLimited
    event = Event(
        campaign=campaign,
        office=office,
        starts_at=starts_at,
        ends_at=ends_at,
        meeting_point=meeting_point,
        description=description,
        organiser_contact=organiser_contact,
    )
    event.full_clean()
    event.save()
    logger.info("event proposed event_id=%s office_id=%s", event.pk, office.pk)
    task_queue_on_commit(event_proposed_notify_task, event.pk)
    return event


def event_proposed_notify(*, event_id: int) -> bool:
    """Tell the organisers of the office's country about a new proposal, once: the row is claimed first, so a
    task run twice sends one email. False when there was nothing to send."""
    claimed = Event.objects.filter(pk=event_id, organisers_notified_at__isnull=True).update(
        organisers_notified_at=timezone.now()
    )
    if not claimed:
        return False
    event = Event.objects.select_related("office").get(pk=event_id)
    recipients = organiser_emails_for_country(host_country=str(event.office.host_country))
    if not recipients:
        return False
    mail_send(event_proposed_message_build(event=event, to=recipients))
    return True


def events_review(*, events: QuerySet[Event], user: AbstractBaseUser, status: str) -> int:
    """Approve or reject events, only those in the reviewer's countries. Returns how many changed."""
    if status not in (EventStatus.APPROVED, EventStatus.REJECTED):
        raise ValueError(f"Not a review outcome: {status!r}")
    scoped = records_in_country_scope(events, user=user, country_path="office__host_country")
    changed = scoped.exclude(status=status).update(status=status, reviewed_at=timezone.now(), reviewed_by=user)
    logger.info("events reviewed status=%s count=%s user_id=%s", status, changed, user.pk)
    return changed


def _event_review_one(*, event: Event, user: AbstractBaseUser, status: str) -> Event:
    codes = organiser_country_codes(user=user)
    if codes is not None and str(event.office.host_country) not in codes:
        raise PermissionDenied(_("This record belongs to a country you do not look after."))
    events_review(events=Event.objects.filter(pk=event.pk), user=user, status=status)
    event.refresh_from_db()
    return event


def event_approve(*, event: Event, user: AbstractBaseUser) -> Event:
    return _event_review_one(event=event, user=user, status=EventStatus.APPROVED)


def event_reject(*, event: Event, user: AbstractBaseUser) -> Event:
    return _event_review_one(event=event, user=user, status=EventStatus.REJECTED)


class RsvpOutcome(enum.Enum):
    COUNTED = "counted"
    ALREADY_COUNTED = "already_counted"  # this address said so for this event today
    TOO_MANY = "too_many"  # this address said so for many events within the rate window


def event_rsvp(*, event: Event, client_ip: str, now: datetime.datetime | None = None) -> RsvpOutcome:
    """Count one anonymous "I'll come", at most once per address, event and day.

    Nothing about the person is stored: the count goes up, and the rate limit's key is a hash in the cache.
    """
    now = now or timezone.now()
    if event.status != EventStatus.APPROVED or event.ends_at < now:
        raise ValidationError(_("This event is over or not public; it takes no more replies."), code="closed")
    if rate_limit_hit(
        scope="event-rsvp-any",
        key=client_ip,
        limit=settings.RATE_LIMIT_EVENT_RSVPS_PER_IP,
        window_seconds=settings.RATE_LIMIT_WINDOW_SECONDS,
    ):
        return RsvpOutcome.TOO_MANY
    if rate_limit_hit(scope=f"event-rsvp:{event.pk}", key=client_ip, limit=1, window_seconds=RSVP_WINDOW_SECONDS):
        return RsvpOutcome.ALREADY_COUNTED
    Event.objects.filter(pk=event.pk).update(rsvp_count=F("rsvp_count") + 1)
    return RsvpOutcome.COUNTED


def event_photo_add(*, event: Event, data: bytes, caption: str = "") -> EventPhoto:
    """Re-encode an uploaded photo (events.images) and keep it with the event. Raises ValidationError."""
    clean = image_reencode(data=data, max_bytes=settings.EVENT_PHOTO_MAX_BYTES, max_side=settings.EVENT_PHOTO_MAX_SIDE)
    photo = EventPhoto(event=event, content_type=clean.content_type, caption=caption)
    photo.image.save(photo_file_name(extension=clean.extension), ContentFile(clean.content), save=False)
    with transaction.atomic():
        photo.save()
    return photo


def photo_file_name(*, extension: str) -> str:
    """A random name: the uploader's file name may say who or where they are."""
    return f"{uuid.uuid4().hex}.{extension}"


def event_contacts_purge(*, now: datetime.datetime | None = None) -> int:
    """Erase the organisers' contacts of events that ended more than RETENTION_EVENT_CONTACT_DAYS ago."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.RETENTION_EVENT_CONTACT_DAYS)
    return Event.objects.filter(ends_at__lt=cutoff).exclude(organiser_contact="").update(organiser_contact="")
