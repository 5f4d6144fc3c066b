"""Reads for posters."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from campaign.models import Campaign

from .models import PosterUpload, ShortLink


def poster_uploads_for(*, campaign: Campaign, language: str) -> QuerySet[PosterUpload]:
    """Every uploaded poster of the campaign, those in the reader's language first."""
    first = Case(When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField())
    return PosterUpload.objects.filter(campaign=campaign).order_by(first, "language", "title")


def poster_upload_get(*, upload_id: int) -> PosterUpload | None:
    return PosterUpload.objects.filter(pk=upload_id).first()


def short_link_get(*, code: str) -> ShortLink | None:
    return ShortLink.objects.filter(code=code.lower()[:16]).first()
