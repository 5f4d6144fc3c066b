"""The directory: diplomatic offices of a sending state in a host country."""

import zoneinfo
from collections.abc import Collection
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from django_countries.fields import CountryField

from .phones import phone_format
from .time_zones import time_zone_for_country, time_zone_validate
from .validation import emails_split, languages_normalise, numbers_normalise


class OfficeKind(models.TextChoices):
    EMBASSY = "embassy", _("Embassy")
    CONSULATE_GENERAL = "consulate_general", _("Consulate general")
    CONSULATE = "consulate", _("Consulate")
    HONORARY_CONSULATE = "honorary_consulate", _("Honorary consulate")
    MISSION = "mission", _("Permanent mission")


class HeadTitle(models.TextChoices):
    """The head of the office, which the letter's salutation is made from."""

    AMBASSADOR = "ambassador", _("Ambassador")
    CHARGE_D_AFFAIRES = "charge_d_affaires", _("Chargé d'affaires")
    CONSUL_GENERAL = "consul_general", _("Consul General")
    CONSUL = "consul", _("Consul")
    HONORARY_CONSUL = "honorary_consul", _("Honorary Consul")
    PERMANENT_REPRESENTATIVE = "permanent_representative", _("Permanent Representative")


class HeadAddressForm(models.TextChoices):
    """How the letter greets the head of the office; unknown gives a neutral or double form."""

    UNKNOWN = "unknown", _("Not known: a neutral or double form")
    FEMININE = "feminine", _("Feminine (Madam Ambassador)")
    MASCULINE = "masculine", _("Masculine (Mr Ambassador)")


DEFAULT_HEAD_TITLE = {
    OfficeKind.EMBASSY: HeadTitle.AMBASSADOR,
    OfficeKind.CONSULATE_GENERAL: HeadTitle.CONSUL_GENERAL,
    OfficeKind.CONSULATE: HeadTitle.CONSUL,
    OfficeKind.HONORARY_CONSULATE: HeadTitle.HONORARY_CONSUL,
    OfficeKind.MISSION: HeadTitle.PERMANENT_REPRESENTATIVE,
}


class OfficeQuerySet(models.QuerySet):
    def active(self) -> Self:
        return self.filter(active=True)

    def verified(self) -> Self:
        return self.filter(verified_on__isnull=False)

    def emailable(self) -> Self:
        """Offices whose primary email may receive campaign mail."""
        return self.active().verified().exclude(email="").filter(email_flagged_at__isnull=True)


class Office(models.Model):
    sending_country = CountryField(_("sending state"), db_index=True)
    host_country = CountryField(_("host country"), db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OfficeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    head_title = models.CharField(_("head-of-mission title"), max_length=32, choices=HeadTitle.choices)
    head_address_form = models.CharField(
        _("form of address of the head"),
        max_length=10,
        choices=HeadAddressForm.choices,
        default=HeadAddressForm.UNKNOWN,
        help_text=_("Set it only when you know how the current head of the office is addressed."),
    )

    street_lines = models.TextField(_("street lines"), blank=True, help_text=_("One line per row."))
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100)
    address_country = CountryField(_("country of the postal address"), blank=True)
    consular_district = models.TextField(_("consular district"), blank=True)

    email = models.EmailField(_("primary email"), blank=True)
    other_emails = models.TextField(_("other email addresses"), blank=True, help_text=_("One per line."))
    email_flagged_at = models.DateTimeField(
        _("email flagged for review"), null=True, blank=True, help_text=_("Set when mail to it bounced.")
    )
    email_flag_reason = models.CharField(_("why the email is flagged"), max_length=300, blank=True)

    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True)
    fax = models.CharField(_("fax (E.164)"), max_length=20, blank=True)
    numbers_need_review = models.BooleanField(
        _("numbers need review"),
        default=False,
        help_text=_("A phone or fax number has a country code other than the host country's."),
    )
    numbers_review_note = models.CharField(
        _("why the numbers need review"),
        max_length=300,
        blank=True,
        help_text=_("What an import found wrong with the numbers of its source."),
    )

    website = models.URLField(_("website"), blank=True)
    contact_form_url = models.URLField(_("contact form URL"), blank=True)
    languages = models.CharField(
        _("letter languages"),
        max_length=100,
        blank=True,
        help_text=_("Language codes letters may be written in, separated by commas, e.g. uk,en,cs."),
    )

    source = models.TextField(_("source"), blank=True, help_text=_("URL or description of where the facts come from."))
    source_date = models.CharField(_("source date"), max_length=100, blank=True)
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.CharField(_("verified by"), max_length=150, blank=True)
    active = models.BooleanField(_("active"), default=True, help_text=_("Closed offices stay for history."))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[time_zone_validate],
        help_text=_("Events at this office are planned in this zone, e.g. Europe/Prague. Empty: the host country's."),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["host_country", "kind", "city", "name"]
        indexes = [models.Index(fields=["host_country", "sending_country", "active"])]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"], condition=~Q(wikidata_id=""), name="office_unique_wikidata_id"
            ),
            models.UniqueConstraint(
                fields=["sending_country", "host_country", "kind", "city", "name"], name="office_unique_identity"
            ),
            models.CheckConstraint(condition=~Q(sending_country=models.F("host_country")), name="office_abroad"),
            models.CheckConstraint(condition=Q(kind__in=OfficeKind.values), name="office_kind_known"),
            models.CheckConstraint(condition=Q(head_title__in=HeadTitle.values), name="office_head_title_known"),
            models.CheckConstraint(condition=Q(phone="") | Q(phone__startswith="+"), name="office_phone_e164"),
            models.CheckConstraint(condition=Q(fax="") | Q(fax__startswith="+"), name="office_fax_e164"),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=False) | Q(verified_by=""), name="office_verifier_needs_date"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="office_name_not_empty"),
            models.CheckConstraint(condition=~Q(city=""), name="office_city_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Filled on every path (admin, import, factories), so an office always has a zone to plan events in.
        if not self.time_zone and self.host_country:
            self.time_zone = time_zone_for_country(country_code=str(self.host_country))
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # A blank title means the usual one for the kind; fill it before "cannot be blank" is checked.
        if self.kind and not self.head_title:
            self.head_title = DEFAULT_HEAD_TITLE.get(self.kind, "")
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """Normalise and check what a person or a file typed. The admin form and the import both rely on it."""
        errors: dict[str, list[str]] = {}
        if self.host_country:
            numbers = numbers_normalise(phone=self.phone, fax=self.fax, host_country=str(self.host_country))
            errors.update(numbers.errors)
            if not numbers.errors:
                self.phone, self.fax = numbers.phone, numbers.fax
                if numbers.foreign_warnings:
                    self.numbers_need_review = True
                elif not self.numbers_review_note:
                    self.numbers_need_review = False
        other_emails, email_errors = emails_split(self.other_emails)
        if email_errors:
            errors["other_emails"] = email_errors
        else:
            self.other_emails = "\n".join(other_emails)
        languages, language_errors = languages_normalise(self.languages)
        if language_errors:
            errors["languages"] = language_errors
        else:
            self.languages = languages
        if self.sending_country and self.sending_country == self.host_country:
            errors["host_country"] = [_("An office abroad: the host country cannot be the sending state.")]
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone or time_zone_for_country(country_code=str(self.host_country)))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_verified(self) -> bool:
        return self.verified_on is not None

    @property
    def can_receive_email(self) -> bool:
        return bool(self.active and self.is_verified and self.email and self.email_flagged_at is None)

    @property
    def street_line_list(self) -> list[str]:
        return [line.strip() for line in self.street_lines.splitlines() if line.strip()]

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def other_email_list(self) -> list[str]:
        return [line.strip() for line in self.other_emails.splitlines() if line.strip()]

    @property
    def has_postal_address(self) -> bool:
        """A street and a town: without them a printed letter cannot be delivered, so none is offered."""
        return bool(self.street_line_list and self.city.strip())

    @property
    def postal_address_lines(self) -> list[str]:
        """The lines a letter's window shows, without the recipient's name."""
        return self.postal_address_lines_from(sender_country=None)

    def postal_address_lines_from(self, *, sender_country: str | None) -> list[str]:
        """The address as posted from sender_country: a domestic letter carries no country line."""
        country = self.address_country or self.host_country
        lines = [*self.street_line_list, f"{self.postcode} {self.city}".strip()]
        if not sender_country or sender_country.upper() != country.code:
            lines.append(str(country.name).upper())
        return lines

    @property
    def phone_international(self) -> str:
        return phone_format(self.phone)

    @property
    def phone_national(self) -> str:
        return phone_format(self.phone, national=True)

    @property
    def fax_international(self) -> str:
        return phone_format(self.fax)

    @property
    def fax_national(self) -> str:
        return phone_format(self.fax, national=True)


class OfficeHours(models.Model):
    """One span of a weekday during which an office answers its phone, in the office's own time zone."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="hours", verbose_name=_("office"))
    weekday = models.PositiveSmallIntegerField(_("day"), choices=sorted(WEEKDAYS.items()))
    opens = models.TimeField(_("opens"), help_text=_("Local time at the office."))
    closes = models.TimeField(_("closes"), help_text=_("Local time at the office."))

    class Meta:
        verbose_name = _("opening time")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="office_hours_weekday_known"),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="office_hours_close_after_open"),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAYS.get(self.weekday, self.weekday)} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


class OrganiserScope(models.Model):
    """The host countries whose offices one organiser sees and edits. Superusers need none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organiser_scope", verbose_name=_("user")
    )
    host_countries = CountryField(_("host countries"), multiple=True, blank=True)

    class Meta:
        verbose_name = _("organiser scope")
        verbose_name_plural = _("organiser scopes")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def country_codes(self) -> list[str]:
        return [str(country.code) for country in self.host_countries]


class ImportJobStatus(models.TextChoices):
    WAITING = "waiting", _("being checked")
    CHECKED = "checked", _("checked, waiting for your confirmation")
    REFUSED = "refused", _("not imported: some rows have errors")
    CONFIRMED = "confirmed", _("being imported")
    DONE = "done", _("imported")
    FAILED = "failed", _("not imported: the import stopped with errors")
    DISCARDED = "discarded", _("discarded")


class OfficeImportJob(models.Model):
    """A large directory file, imported by a worker: checked first, applied once its organiser confirms.

    The file is kept only until the job ends; what stays is who imported what kind of file, the counts and the
    rejected lines with their reasons.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_import_jobs", verbose_name=_("user")
    )
    file = models.FileField(_("file"), upload_to="office-imports/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=20)  # django-import-export's format title, e.g. "csv"
    sending_state = CountryField(_("sending state"), blank=True)
    language = models.CharField(_("language"), max_length=10)  # the organiser's: rejected rows are explained in it
    status = models.CharField(
        _("status"), max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.WAITING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    totals = models.JSONField(_("totals"), default=dict, blank=True)  # new, update, skip, invalid, error
    changes = models.JSONField(_("changes"), default=list, blank=True)  # the first changed rows, for the preview
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{"line": 3, "messages": [...]}]
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("office import")
        verbose_name_plural = _("office imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in {ImportJobStatus.WAITING, ImportJobStatus.CONFIRMED}
