"""A country's fax gateway: how letters chosen "by fax" reach the fax machines of the offices there."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_countries.fields import CountryField

NUMBER_PLACEHOLDERS = ("{number}", "{digits}")
SINCH_API_URL = "https://fax.api.sinch.com"


class GatewayKind(models.TextChoices):
    EMAIL = "email", _("Email to fax")
    SINCH = "sinch", _("Sinch Fax API")


class FaxGateway(models.Model):
    """One per host country. Email to fax: the letter's PDF is emailed to an address built from the office's fax
    number. Sinch: the PDF is uploaded to Sinch's Fax API, which reports back when the fax went through or failed."""

    host_country = CountryField(_("host country"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=GatewayKind.choices)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Off: supporters in this country are not offered sending by fax.")
    )
    address_template = models.CharField(
        _("fax address"),
        max_length=200,
        blank=True,
        help_text=_(
            "Email to fax only. {number} is the office's fax number with a plus sign (+420233342001), {digits} "
            "the same without it. For example {number}@sinchfax.com."
        ),
    )
    sender_email = models.EmailField(
        _("sender address"),
        blank=True,
        help_text=_("Email to fax only: the address the gateway accepts faxes from. Empty: the campaign's address."),
    )
    api_url = models.URLField(_("API address"), default=SINCH_API_URL, blank=True)
    project_id = models.CharField(_("project ID"), max_length=100, blank=True)
    key_id = models.CharField(_("key ID"), max_length=100, blank=True)
    key_secret = models.CharField(_("key secret"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fax gateway")
        verbose_name_plural = _("fax gateways")

    def __str__(self) -> str:
        return f"{self.host_country.name}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind == GatewayKind.EMAIL:
            template = self.address_template.strip()
            if not any(placeholder in template for placeholder in NUMBER_PLACEHOLDERS) or "@" not in template:
                raise ValidationError(
                    {"address_template": _("Give an address with {number} or {digits} before the @.")}
                )
            try:
                self.fax_address(fax="+420233342001")
            except ValidationError as error:
                raise ValidationError({"address_template": error.messages}) from error
        if self.kind == GatewayKind.SINCH:
            missing = [
                str(self._meta.get_field(name).verbose_name)
                for name in ("api_url", "project_id", "key_id", "key_secret")
                if not getattr(self, name).strip()
            ]
            if missing:
                raise ValidationError(_("The Sinch Fax API needs: %(fields)s.") % {"fields": ", ".join(missing)})

    def fax_address(self, *, fax: str) -> str:
        """The email address that faxes to this E.164 number."""
        address = self.address_template.strip().replace("{number}", fax).replace("{digits}", fax.lstrip("+"))
        validate_email(address)
        return address
