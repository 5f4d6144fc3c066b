"""Campaigns, their letter texts, the outbox of letters, and anonymous contact counts."""

import datetime
import secrets
from typing import Any

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_countries.fields import CountryField

from embassies.models import Office

from .identity import HEX_COLOUR, IMAGE_FOLDER, accent_text_colour, image_inline
from .letter_language import salutation_languages
from .rendering import template_placeholders_validate

LANGUAGE_CHOICES = global_settings.LANGUAGES


class ReplyCapture(models.TextChoices):
    """Where the letter's reply address goes when a supporter chose to show their own address (Reply-To) to the
    offices. Otherwise the reply address is always the Reply-To, and the supporter's address never leaves us."""

    REPLY_TO = "reply_to", _("Put the letter's reply address in Reply-To")
    CC = "cc", _("Put the letter's reply address in Cc")
    OFF = "off", _("Do not capture replies")


# Fixed pages that share a URL prefix with campaign slugs (e.g. /progress/dashboard/ beside /progress/<slug>/).
RESERVED_CAMPAIGN_SLUGS = frozenset({"dashboard", "survey", "replies", "login", "batches"})


class CampaignQuerySet(models.QuerySet):
    def open(self, *, today: datetime.date | None = None) -> "CampaignQuerySet":
        """Open campaigns whose dates (if set) include today. Every channel takes letters and counts only here."""
        today = today or timezone.localdate()
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=today),
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            is_open=True,
        )


class Campaign(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    target = models.CharField(_("law or cause"), max_length=200, help_text=_("What the campaign is against or for."))
    sending_country = CountryField(_("sending state"), help_text=_("The state whose offices receive the letters."))
    is_open = models.BooleanField(_("open"), default=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    from_email = models.EmailField(
        _("sender address"), help_text=_("The campaign's own address; the supporter's name is its display name.")
    )
    reply_capture = models.CharField(
        _("reply capture"), max_length=10, choices=ReplyCapture.choices, default=ReplyCapture.REPLY_TO
    )
    source_language = models.CharField(
        _("source language"),
        max_length=10,
        choices=LANGUAGE_CHOICES,
        default="en",
        help_text=_("The language the title, summary and letter were written in; translations are checked against it."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(HEX_COLOUR, _("Write the colour as # and six hex digits, for example #1f4e79."))],
        help_text=_(
            "Buttons and the campaign's band take this colour. Their text turns white or black, whichever reads "
            "better. Leave empty for the site's colour."
        ),
    )
    image = models.FileField(
        _("image"),
        upload_to=IMAGE_FOLDER,
        blank=True,
        max_length=200,
        help_text=_(
            "Shown on the campaign page, described by the campaign's title. PNG or JPEG, at most 5 MB; it is "
            "scaled down and its metadata (camera, location) removed."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "localised_to", None):
            raise RuntimeError("A campaign localised for reading must not be saved: it would overwrite the source.")
        super().save(*args, **kwargs)

    @property
    def accent_text_colour(self) -> str:
        """Empty unless the accent is a well-formed colour: pages put both into CSS, so nothing else may pass."""
        return accent_text_colour(self.accent_colour) if HEX_COLOUR.match(self.accent_colour or "") else ""

    @property
    def image_inline(self) -> str:
        return image_inline(name=self.image.name) if self.image else ""

    def clean(self) -> None:
        if self.slug in RESERVED_CAMPAIGN_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s” is the name of a page of the site; choose another slug.") % {"slug": self.slug}}
            )


class CampaignTranslation(models.Model):
    """What a supporter reads about the campaign, in one more language. The campaign's own fields are the source."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    target = models.CharField(_("law or cause"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("campaign translation")
        verbose_name_plural = _("campaign translations")
        ordering = ["campaign", "language"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="campaign_translation_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} ({self.language})"


class LetterTemplate(models.Model):
    """The letter in one language. Placeholders: see campaign.rendering.PLACEHOLDERS."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="templates")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    closing = models.CharField(_("closing"), max_length=100, help_text=_("Added before the signature."))
    reviewed = models.BooleanField(
        _("reviewed"),
        default=False,
        help_text=_("Until an organiser has checked the translation, supporters see it marked as a draft."),
    )

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["campaign", "language"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="template_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} ({self.language})"

    def clean(self) -> None:
        errors = {}
        for field in ("subject", "body"):
            try:
                template_placeholders_validate(getattr(self, field))
            except ValidationError as error:
                errors[field] = error
        if "body" not in errors and "{salutation}" in self.body and self.language not in salutation_languages():
            errors["body"] = ValidationError(
                _(
                    "The site has no salutations in this language yet: write the greeting into the letter "
                    "(e.g. the language's “Dear Ambassador”) instead of {salutation}."
                ),
                code="salutation_language",
            )
        if errors:
            raise ValidationError(errors)


class Submission(models.Model):
    """What a supporter asked for through the email channel. Personal data: erased after retention."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions")
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES)
    interface_language = models.CharField(
        max_length=10, blank=True, help_text="The supporter's interface language: their emails are written in it."
    )
    name = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    sender_hash = models.CharField(
        max_length=64, db_index=True, help_text="Keyed hash of the email address; survives erasure for dedupe."
    )
    forget_token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the supporter's erase-my-data link token."
    )
    confirm_token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the supporter's confirmation link token."
    )
    # Blanked on erasure: nothing should find what someone wrote, and to whom, after they erased it.
    status_token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the supporter's letter-status link token."
    )
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    personal_paragraph = models.TextField(blank=True)
    send_copy = models.BooleanField(default=False)
    share_email = models.BooleanField(
        default=False, help_text="The supporter chose to show their address to the offices (Reply-To)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # The supporter's own emails, as durable outbox state: claimed by one worker, then marked sent. A claim
    # without a send (the worker died, the broker was down) is swept and sent again.
    confirmation_claimed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    copy_claimed_at = models.DateTimeField(null=True, blank=True)
    copy_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.campaign})"

    @property
    def mail_language(self) -> str:
        """The language of the supporter's own emails: their interface language when they wrote."""
        interface_languages = {code for code, _name in settings.LANGUAGES}
        for language in (self.interface_language, self.language):
            if language in interface_languages:
                return language
        return settings.LANGUAGE_CODE


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


# A confirmed letter in one of these states blocks another to the same office from the same sender.
LIVE_LETTER_STATUSES = [
    LetterStatus.QUEUED,
    LetterStatus.SENDING,
    LetterStatus.SENT,
    LetterStatus.DELIVERED,
    LetterStatus.BOUNCED,
    LetterStatus.COMPLAINED,
]


class LetterChannel(models.TextChoices):
    """How the outbox delivers a letter: by email through the ESP, or as a PDF through the country's fax gateway."""

    EMAIL = "email", _("Email")
    FAX = "fax", _("Fax")


def reply_token_new() -> str:
    return secrets.token_urlsafe(18).lower().replace("_", "x").replace("-", "y")


class Letter(models.Model):
    """One letter to one office: the outbox row."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="letters")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="letters")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    sender_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=LetterChannel.choices, default=LetterChannel.EMAIL)
    status = models.CharField(max_length=20, choices=LetterStatus.choices, default=LetterStatus.PENDING)
    failure_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    esp_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    reply_token = models.CharField(max_length=40, unique=True, default=reply_token_new)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # When this round of sending began (confirmation, or an organiser's requeue): transient failures are
    # retried until LETTER_RETRY_MAX_AGE_HOURS after it, then the letter fails visibly.
    first_queued_at = models.DateTimeField(null=True, blank=True)
    # After a transient failure outlived the task's own retries: the sweep sends again from this time on.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    soft_bounced_at = models.DateTimeField(
        null=True, blank=True, help_text="A temporary bounce: the letter may still arrive; the office is not flagged."
    )
    status_changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [models.Index(fields=["status", "status_changed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["submission", "office"], name="letter_one_per_office_per_submission"),
            models.UniqueConstraint(
                # An email and a fax are two letters: the appeal asks for both.
                fields=["campaign", "office", "sender_hash", "channel"],
                condition=Q(status__in=LIVE_LETTER_STATUSES),
                name="letter_never_twice_to_an_office",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} → {self.office_id} ({self.status})"


class ContactChannel(models.TextChoices):
    EMAIL_SENT = "email_sent", _("Email sent")
    EMAIL_DELIVERED = "email_delivered", _("Email delivered")
    PDF = "pdf", _("PDF downloaded")
    POST = "post", _("Letter posted")
    MAILTO = "mailto", _("Sent from own mail app")
    CALL = "call", _("Phone call")
    FAX = "fax", _("Fax")
    CONTACT_FORM = "contact_form", _("Sent through their contact form")


# What counts as contacting an office. A downloaded PDF is only intent, until the supporter says it was posted;
# a delivered email was already counted when it was sent.
CONTACT_CHANNELS: list[str] = [
    ContactChannel.EMAIL_SENT,
    ContactChannel.POST,
    ContactChannel.MAILTO,
    ContactChannel.CALL,
    ContactChannel.FAX,
    ContactChannel.CONTACT_FORM,
]
INTENT_CHANNELS: list[str] = [ContactChannel.PDF]


class ContactEvent(models.Model):
    """An anonymous count of contacts with an office. Holds no personal data, so it is kept."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contact_events")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    quantity = models.PositiveIntegerField(default=1)
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["campaign", "office", "channel"])]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="contact_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.channel} × {self.quantity} → {self.office_id}"


class WebhookEvent(models.Model):
    """An ESP tracking event already applied; seeing its key again changes nothing."""

    key = models.CharField(max_length=64, unique=True, help_text="The ESP's event id, or a hash of the event.")
    event_type = models.CharField(max_length=30)
    received_at = models.DateTimeField(auto_now_add=True)
    # An event for a message id no letter has yet (the ESP reported before the worker recorded "sent", and the
    # ESP sends no letter reference): kept here and applied by a sweep once the letter knows its message id.
    parked = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.event_type} {self.key[:12]}"
