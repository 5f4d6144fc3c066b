"""Problems visitors report with an office of the directory, and the organisers' weekly digest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.text import plain_text_validate, single_line_validate
from embassies.models import Office

DETAILS_MAX = 2000
NOTE_MAX = 2000


class ReportKind(models.TextChoices):
    WRONG_ADDRESS = "wrong_address", _("The postal address is wrong")
    EMAIL_BOUNCED = "email_bounced", _("Email to the office bounced")
    MOVED = "moved", _("The office has moved")
    CLOSED = "closed", _("The office is closed")
    PHONE_WRONG = "phone_wrong", _("The phone number is wrong")
    OTHER = "other", _("Something else")


# Kinds whose report proposes a new postal address.
ADDRESS_KINDS = {ReportKind.WRONG_ADDRESS, ReportKind.MOVED}


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class OfficeReport(models.Model):
    """One visitor's report. No address of the reporter is stored; their email only if they want an answer, and
    only until some days after the report is resolved (services.report_contacts_purge)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="reports", verbose_name=_("office"))
    kind = models.CharField(_("problem"), max_length=20, choices=ReportKind.choices)
    details = models.TextField(_("details"), max_length=DETAILS_MAX, blank=True, validators=[plain_text_validate])

    proposed_street_lines = models.TextField(
        _("proposed street lines"), max_length=300, blank=True, validators=[plain_text_validate]
    )
    proposed_postcode = models.CharField(
        _("proposed postcode"), max_length=20, blank=True, validators=[single_line_validate, plain_text_validate]
    )
    proposed_city = models.CharField(
        _("proposed city"), max_length=100, blank=True, validators=[single_line_validate, plain_text_validate]
    )
    proposed_email = models.EmailField(_("proposed email"), blank=True)
    proposed_phone = models.CharField(
        _("proposed phone"), max_length=40, blank=True, validators=[single_line_validate, plain_text_validate]
    )

    reporter_email = models.EmailField(
        _("reporter's email"),
        blank=True,
        help_text=_("Given for an answer only. Erased once the answer is sent, or some days after the review."),
    )
    # The interface language the reporter wrote in: their answer is written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    answered_at = models.DateTimeField(_("reporter answered at"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    resolution_note = models.TextField(_("resolution note"), max_length=NOTE_MAX, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="officereport_kind_known"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="officereport_status_known"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.OPEN) | Q(resolved_at__isnull=False),
                name="officereport_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.office}"

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN

    @property
    def proposed_changes(self) -> dict[str, object]:
        """The office's fields this report would change when accepted, with their new values."""
        changes: dict[str, object] = {}
        if self.kind in ADDRESS_KINDS:
            for field in ("street_lines", "postcode", "city"):
                value = getattr(self, f"proposed_{field}")
                if value:
                    changes[field] = value
        if self.kind == ReportKind.EMAIL_BOUNCED and self.proposed_email:
            changes["email"] = self.proposed_email
        if self.kind == ReportKind.PHONE_WRONG and self.proposed_phone:
            changes["phone"] = self.proposed_phone
        if self.kind == ReportKind.CLOSED:
            changes["active"] = False
        return changes


class DigestSent(models.Model):
    """The weekly digest went to this organiser in this ISO week: a second run of the task sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # "2026-W49"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digestsent_once_a_week")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"
