"""Events in front of an office: proposed by anyone, public once an organiser of its country approves them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from common.text import single_line_validate
from embassies.models import Office

from .validation import contact_validate, plain_text_validate

MEETING_POINT_MAX = 200
DESCRIPTION_MAX = 2000
CONTACT_MAX = 200
REPORT_MAX = 5000


class EventStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for review")
    APPROVED = "approved", _("Approved and public")
    REJECTED = "rejected", _("Rejected")


class EventQuerySet(models.QuerySet):
    def public(self) -> "EventQuerySet":
        return self.filter(status=EventStatus.APPROVED)

    def upcoming(self, *, now: datetime.datetime | None = None) -> "EventQuerySet":
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, *, now: datetime.datetime | None = None) -> "EventQuerySet":
        return self.filter(ends_at__lt=now or timezone.now())


class Event(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events", verbose_name=_("campaign"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="events", verbose_name=_("office"))
    # Stored in UTC; entered and shown in the office's time zone (Office.time_zone).
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    meeting_point = models.CharField(
        _("meeting point"), max_length=MEETING_POINT_MAX, validators=[single_line_validate, plain_text_validate]
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, validators=[plain_text_validate])
    organiser_contact = models.CharField(
        _("contact for the organisers"),
        max_length=CONTACT_MAX,
        blank=True,
        validators=[single_line_validate, contact_validate],
        help_text=_("Never shown in public. Erased some days after the event."),
    )
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PROPOSED)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    organisers_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    rsvp_count = models.PositiveIntegerField(_("people who said they will come"), default=0)
    report = models.TextField(
        _("report"),
        max_length=REPORT_MAX,
        blank=True,
        validators=[plain_text_validate],
        help_text=_("What happened, written by an organiser. Plain text, no links."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(status__in=EventStatus.values), name="event_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.starts_local:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})

    @property
    def starts_local(self) -> datetime.datetime:
        return self.starts_at.astimezone(self.office.zone)

    @property
    def ends_local(self) -> datetime.datetime:
        return self.ends_at.astimezone(self.office.zone)

    @property
    def is_public(self) -> bool:
        return self.status == EventStatus.APPROVED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()


class EventPhoto(models.Model):
    """A photo of a past event, re-encoded on upload (events.images): no metadata, bounded size."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event"))
    image = models.FileField(_("photo"), upload_to="events/photos/")
    content_type = models.CharField(max_length=20, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.caption or str(_("Photo %(number)s") % {"number": self.pk})
