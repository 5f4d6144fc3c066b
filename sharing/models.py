"""Where a campaign's counter may be embedded. Everything else the app shows comes from other apps' records."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign

# A DNS name or an IPv4 address: labels of letters, digits and hyphens (IDN as punycode).
HOST_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


def origin_normalise(value: str) -> str:
    """`https://Example.org:8443/` -> `https://example.org:8443`; ValidationError unless it is only an origin.

    Browsers compare frame-ancestors with the embedding page's origin: a path, query or user would never match,
    and a wildcard or quote would widen or break the policy header.
    """
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("Enter an address like https://example.org."), code="invalid") from error
    host = (parts.hostname or "").rstrip(".")
    wrong = (
        parts.scheme not in {"http", "https"}
        or not HOST_PATTERN.match(host)
        or parts.username is not None
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or not text.isascii()
    )
    if wrong:
        raise ValidationError(
            _("Enter only the site's address, like https://example.org or https://example.org:8443."),
            code="invalid",
        )
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def origin_validate(value: str) -> None:
    origin_normalise(value)


class EmbedOrigin(models.Model):
    """A site allowed to show the campaign's counter in a frame. No origin listed: no site may frame it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="embed_origins")
    origin = models.CharField(
        _("site address"),
        max_length=300,
        validators=[origin_validate],
        help_text=_("The address of the site that shows the counter, like https://example.org. No path."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("embedding site")
        verbose_name_plural = _("embedding sites")
        ordering = ["campaign", "origin"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "origin"], name="embed_origin_one_per_campaign"),
        ]

    def __str__(self) -> str:
        return self.origin

    def clean(self) -> None:
        try:
            self.origin = origin_normalise(self.origin)
        except ValidationError as error:
            raise ValidationError({"origin": error.messages}) from error
