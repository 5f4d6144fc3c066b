"""Posters organisers upload, and the short links the generated posters print under their QR code."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign

# No 0/O or 1/l/I: the code is typed by hand from paper.
SHORT_CODE_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
SHORT_CODE_LENGTH = 6


def short_code_new() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class ShortLink(models.Model):
    """A short address that forwards to a page of the site: what a poster prints for people to type."""

    code = models.CharField(max_length=16, unique=True)
    target_path = models.CharField(max_length=300, unique=True, help_text="A path on this site, with its language.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"/q/{self.code} → {self.target_path}"


class PosterFileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


def poster_upload_path(upload: "PosterUpload", filename: str) -> str:
    # The name a person gave the file is never used on disk.
    return f"posters/{upload.campaign_id}/{secrets.token_hex(12)}.{upload.kind}"


class PosterUpload(models.Model):
    """A poster or flyer an organiser made: checked by its content, pictures re-encoded without their metadata."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="poster_uploads")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=poster_upload_path)
    kind = models.CharField(max_length=10, choices=PosterFileKind.choices, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded poster")
        verbose_name_plural = _("uploaded posters")
        ordering = ["campaign", "language", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"
