"""Writes for posters: short links, generated posters, organisers' uploads. Keyword-only, typed, <noun>_<verb>."""

import hashlib
import io

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

import segno

from campaign.models import Campaign
from printing.pdf.documents import static_roots, stylesheet_path
from printing.pdf.engine import PdfEngine

from .files import CheckedPoster
from .models import PosterUpload, ShortLink, short_code_new

POSTER_STYLESHEET = "css/poster.css"
POSTER_SIZES = ("a4", "a3")
POSTER_CACHE_SECONDS = 24 * 60 * 60

_engines: dict[str, PdfEngine] = {}


def short_link_for(*, target_path: str) -> ShortLink:
    """The short link to a page of the site, made once and then always the same, so printed posters keep working."""
    existing = ShortLink.objects.filter(target_path=target_path).first()
    if existing is not None:
        return existing
    for _attempt in range(8):
        try:
            with transaction.atomic():
                return ShortLink.objects.create(code=short_code_new(), target_path=target_path)
        except IntegrityError:
            # Another request made the same link, or the random code was taken: look again, or draw again.
            existing = ShortLink.objects.filter(target_path=target_path).first()
            if existing is not None:
                return existing
    raise RuntimeError("no free short code after 8 draws")


def _poster_engine() -> PdfEngine:
    if POSTER_STYLESHEET not in _engines:
        _engines[POSTER_STYLESHEET] = PdfEngine(
            stylesheet=stylesheet_path(POSTER_STYLESHEET), static_roots=static_roots()
        )
    return _engines[POSTER_STYLESHEET]


def poster_pdf_render(
    *, campaign: Campaign, host_country: str, country_name: str, size: str, letter_url: str, short_url: str
) -> bytes:
    """A poster for one country in the active language: the campaign's message and a QR code opening its letter
    form. Kept in the cache for a day per campaign text, country, language and size: posters are printed in runs."""
    if size not in POSTER_SIZES:
        raise ValueError(f"unknown poster size: {size}")
    language = translation.get_language() or "en"
    fingerprint = hashlib.sha256(
        "\n".join([campaign.title, campaign.summary, campaign.target, letter_url, short_url]).encode()
    ).hexdigest()[:16]
    key = f"posters:pdf:{campaign.pk}:{host_country}:{language}:{size}:{fingerprint}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    html = render_to_string(
        "posters/poster.html",
        {
            "campaign": campaign,
            "country_name": country_name,
            "size": size,
            "language": language,
            "letter_url": letter_url,
            "short_url": short_url,
            "qr_svg": segno.make(letter_url, error="m").svg_inline(scale=8, border=2, dark="#111111"),
        },
    )
    target = _pdf_bytes(html)
    cache.set(key, target, timeout=POSTER_CACHE_SECONDS)
    return target


def _pdf_bytes(html: str) -> bytes:
    output = io.BytesIO()
    _poster_engine().write(html=html, target=output)
    return output.getvalue()


def poster_upload_store(*, upload: PosterUpload, checked: CheckedPoster) -> PosterUpload:
    """Save an organiser's poster with the checked (and, for pictures, re-encoded) content, never the raw upload."""
    upload.kind = checked.kind
    upload.size = len(checked.content)
    upload.file.save(f"poster.{checked.kind}", ContentFile(checked.content), save=False)
    upload.save()
    return upload
