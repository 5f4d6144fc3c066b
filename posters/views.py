"""Thin views: the posters page, a generated poster, an uploaded poster, and the short links posters print."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaign.selectors import campaign_host_countries
from campaign.shortcuts import campaign_open_or_404
from common.http import public_page

from .models import PosterFileKind
from .selectors import poster_upload_get, poster_uploads_for, short_link_get
from .services import POSTER_SIZES, poster_pdf_render, short_link_for

CONTENT_TYPES = {
    PosterFileKind.PDF: "application/pdf",
    PosterFileKind.PNG: "image/png",
    PosterFileKind.JPEG: "image/jpeg",
}
# Generated posters change only when the campaign's texts do; a proxy may keep them a while.
POSTER_MAX_AGE_SECONDS = 3600


@public_page
@require_http_methods(["GET", "HEAD"])
def poster_list(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    language = translation.get_language() or settings.LANGUAGE_CODE
    return render(
        request,
        "posters/list.html",
        {
            "campaign": campaign,
            "countries": campaign_host_countries(campaign=campaign),
            "sizes": POSTER_SIZES,
            "uploads": poster_uploads_for(campaign=campaign, language=language),
        },
    )


@public_page
@require_http_methods(["GET", "HEAD"])
def poster_pdf(request: HttpRequest, slug: str, cc: str, size: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    countries = dict(campaign_host_countries(campaign=campaign))
    if cc.upper() not in countries or size not in POSTER_SIZES:
        raise Http404(_("There is no such poster."))
    letter_path = reverse("campaign:letter_form", kwargs={"slug": campaign.slug, "cc": cc.lower()})
    short_path = reverse("shortlinks:short_link", kwargs={"code": short_link_for(target_path=letter_path).code})
    pdf = poster_pdf_render(
        campaign=campaign,
        host_country=cc.upper(),
        country_name=countries[cc.upper()],
        size=size,
        letter_url=settings.SITE_URL.rstrip("/") + letter_path,
        short_url=settings.SITE_URL.rstrip("/") + short_path,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{campaign.slug}-{cc.lower()}-{translation.get_language()}-{size}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={POSTER_MAX_AGE_SECONDS}"
    return response


@public_page
@require_http_methods(["GET", "HEAD"])
def poster_upload_download(request: HttpRequest, upload_id: int) -> FileResponse:
    upload = poster_upload_get(upload_id=upload_id)
    if upload is None:
        raise Http404(_("There is no such poster."))
    response = FileResponse(
        upload.file.open("rb"),
        content_type=CONTENT_TYPES[upload.kind],
        as_attachment=upload.kind == PosterFileKind.PDF,
        filename=f"poster-{upload.pk}.{upload.kind}",
    )
    response["Cache-Control"] = f"public, max-age={POSTER_MAX_AGE_SECONDS}"
    return response


@require_http_methods(["GET", "HEAD"])
def short_link_follow(request: HttpRequest, code: str) -> HttpResponse:
    link = short_link_get(code=code)
    if link is None:
        raise Http404(_("This short link does not exist."))
    return redirect(link.target_path)
