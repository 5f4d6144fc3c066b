"""Local groups and the batches of letters they print, sign and post."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from django_countries.fields import CountryField

from campaign.models import Campaign, LetterTemplate
from embassies.models import Office


class Group(models.Model):
    """A local collective that prints letters at a stall, a meeting or an event."""

    name = models.CharField(_("name"), max_length=150)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True, help_text=_("Printed as the letters' sender."))
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("How organisers reach the group. Never printed.")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="print_groups", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SignerMode(models.TextChoices):
    GROUP = "group", _("One signature for the group")
    SIGNERS = "signers", _("A list of signers: one letter per signer per office")
    HAND = "hand", _("Empty lines for people to sign by hand")


class PaperSize(models.TextChoices):
    A4 = "a4", _("A4")
    LETTER = "letter", _("US Letter")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be generated")
    GENERATING = "generating", _("Generating")
    FAILED = "failed", _("Generation failed")
    GENERATED = "generated", _("Generated")
    PRINTED = "printed", _("Printed")
    POSTED = "posted", _("Posted")


class Batch(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="print_batches")
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("letter (language)")
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="batches", verbose_name=_("group"))
    host_country = CountryField(_("country of the offices"))
    whole_country = models.BooleanField(
        _("all offices in the country"), default=True, help_text=_("Otherwise only the selected offices.")
    )
    offices = models.ManyToManyField(Office, verbose_name=_("selected offices"), related_name="+", blank=True)
    signer_mode = models.CharField(_("signatures"), max_length=10, choices=SignerMode.choices)
    group_signature = models.CharField(
        _("group signature"), max_length=150, blank=True, help_text=_("The name under the letters in group mode.")
    )
    copies_per_office = models.PositiveSmallIntegerField(
        _("letters per office"), default=1, help_text=_("For the group signature and for hand signing.")
    )
    sign_lines = models.PositiveSmallIntegerField(_("signature lines per letter"), default=10)
    paper = models.CharField(_("paper"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4)

    status = models.CharField(_("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    letters_total = models.PositiveIntegerField(_("letters"), default=0)
    letters_rendered = models.PositiveIntegerField(_("letters rendered"), default=0)
    signers_count = models.PositiveIntegerField(_("signers"), default=0, help_text=_("Kept after the names go."))
    pages = models.PositiveIntegerField(_("pages"), default=0)
    failure_reason = models.CharField(_("why generation failed"), max_length=300, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="print-batches/", blank=True)
    csv = models.FileField(_("CSV"), upload_to="print-batches/", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    generation_started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    signers_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(copies_per_office__gte=1), name="batch_copies_positive"),
            models.CheckConstraint(
                condition=~Q(status="posted") | Q(posted_on__isnull=False), name="batch_posted_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.campaign} ({self.host_country.code}, #{self.pk})"

    @property
    def progress_percent(self) -> int:
        if not self.letters_total:
            return 0
        return min(100, round(100 * self.letters_rendered / self.letters_total))

    @property
    def is_rendering(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.GENERATING)


class Signer(models.Model):
    """A person who signs a batch's letters. Personal data: deleted once posted or after retention."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="signers")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return self.name
