"""Call scripts, captured replies from offices, and the anonymous "did they reply?" survey."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.models import LANGUAGE_CHOICES, Campaign, Letter
from embassies.models import Office


class CallScript(models.Model):
    """What to say on the phone (or write on a fax) to an office, per campaign and language. Organisers write it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="call_scripts")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    text = models.TextField(_("script"))

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")
        ordering = ["campaign", "language"]
        constraints = [models.UniqueConstraint(fields=["campaign", "language"], name="call_script_one_per_language")]

    def __str__(self) -> str:
        return f"{self.campaign} ({self.language})"


class ReplyState(models.TextChoices):
    MATCHED = "matched", _("Matched to a letter")
    TRIAGE = "triage", _("Needs triage")  # no letter matched, or it looks like spam or an auto-reply
    ASSIGNED = "assigned", _("Assigned by an organiser")
    DISCARDED = "discarded", _("Discarded")


# Replies in these states count as "the office has replied".
COUNTED_REPLY_STATES = [ReplyState.MATCHED, ReplyState.ASSIGNED]


class Reply(models.Model):
    """Mail received on the reply domain. Untrusted: stored as size-limited plain text; only PDF and picture
    attachments are kept (see services.attachments), the rest dropped."""

    state = models.CharField(_("state"), max_length=10, choices=ReplyState.choices, db_index=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("campaign")
    )
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("office")
    )
    letter = models.ForeignKey(
        Letter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("letter")
    )
    inbound_event_id = models.CharField(
        _("ESP inbound id"), max_length=200, null=True, blank=True, unique=True, help_text=_("Used to ignore repeats.")
    )
    message_id = models.CharField(_("Message-ID header"), max_length=300, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    recipient = models.CharField(_("sent to"), max_length=320, blank=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True, help_text=_("Plain text; HTML was converted and never shown."))
    body_truncated = models.BooleanField(_("text was cut at the size limit"), default=False)
    attachments_dropped = models.PositiveSmallIntegerField(
        _("attachments dropped"), default=0, help_text=_("Not a PDF or picture, too large, or too many.")
    )
    spam_detected = models.BooleanField(_("marked as spam"), default=False)
    automatic = models.BooleanField(
        _("automatic reply"),
        default=False,
        help_text=_("An out-of-office or other auto-reply: not counted, not forwarded."),
    )
    forwarded_at = models.DateTimeField(_("forwarded to the supporter at"), null=True, blank=True)
    # Set by the worker that forwards the reply, so no other worker sends it too.
    forward_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    content_erased_at = models.DateTimeField(_("content erased at"), null=True, blank=True)
    # Kept only when the webhook body could not be read as a message, so the reply is not lost: a person can still
    # read it in the triage queue. Erased with the rest of the content.
    raw_payload = models.TextField(
        _("unreadable webhook body"),
        blank=True,
        help_text=_("As received, cut at the size limit; shown as plain text, never rendered."),
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["campaign", "state", "office"])]
        permissions = [("view_dashboard", _("Can view the tracking dashboard"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=COUNTED_REPLY_STATES) | (Q(office__isnull=False) & Q(campaign__isnull=False)),
                name="reply_counted_has_office_and_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject[:60]}"


class LetterSurvey(models.Model):
    """Whether the supporter behind a letter was asked "did the office reply?", and whether they answered.

    The answer itself lives in SurveyAnswer, with no link back to the letter or the person.
    """

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    # Set once the email left: a row without it, older than a few minutes, is a question a dead worker never sent.
    mailed_at = models.DateTimeField(null=True, blank=True)
    answered = models.BooleanField(_("answered"), default=False)
    # One link per answer; which of the two was used is never stored, so the row does not tell the answer.
    yes_token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text='SHA-256 of the token of the "yes, they replied" link.'
    )
    no_token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text='SHA-256 of the token of the "no reply" link.'
    )

    class Meta:
        verbose_name = _("reply survey")
        verbose_name_plural = _("reply surveys")

    def __str__(self) -> str:
        return f"letter #{self.letter_id}"


class SurveyAnswer(models.Model):
    """One anonymous answer: did this office reply to a supporter? No link to any person or letter."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="survey_answers")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    got_reply = models.BooleanField(_("got a reply"))
    # Only the day: an exact time could be matched against the LetterSurvey row answered at that moment.
    answered_on = models.DateField(_("answered on"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        indexes = [models.Index(fields=["campaign", "office"])]

    def __str__(self) -> str:
        return f"{self.office} ({self.answered_on})"


def reply_attachment_path(instance: "ReplyAttachment", filename: str) -> str:
    # The name is ours, never the sender's: no path tricks, no misleading extensions, not guessable.
    return f"replies/{instance.reply_id}/{uuid.uuid4().hex}.{instance.extension}"


class ReplyAttachment(models.Model):
    """A file an office sent with its reply (a scanned letter). Only PDFs and pictures, recognised by content."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=reply_attachment_path)
    display_name = models.CharField(_("name given by the sender"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("reply attachment")
        verbose_name_plural = _("reply attachments")

    def __str__(self) -> str:
        return self.display_name or self.file.name

    @property
    def filename(self) -> str:
        """The sender's name, cleaned, with the extension of the type we recognised."""
        name = self.display_name or "attachment"
        return name if name.lower().endswith(f".{self.extension}") else f"{name}.{self.extension}"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(self.content_type, "bin")
