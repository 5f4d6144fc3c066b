"""Public sharing pages: the embeddable counter, the social card image and the Mastodon share step."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from campaign.selectors import campaign_host_countries, campaign_is_open, campaign_localised
from campaign.shortcuts import campaign_open_or_404
from common.http import public_page

from .forms import MastodonShareForm
from .links import mastodon_share_url, site_host, site_url
from .og_image import og_image_for_campaign
from .selectors import campaign_get_public, embed_counter_get, embed_origins_for_campaign

OG_IMAGE_MAX_AGE = 60 * 60


@public_page
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The counter and a link to write, for other sites' pages. Frameable only by the origins organisers list."""
    campaign = campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404(_("This campaign does not exist."))
    code = request.GET.get("country", "").strip()
    counter = embed_counter_get(campaign=campaign, code=code)
    is_open = campaign_is_open(campaign=campaign)
    context = {"campaign": campaign_localised(campaign=campaign), "counter": counter, "is_open": is_open}
    if counter is None:
        context["error"] = _("The campaign has no offices in this country.")
        response = render(request, "sharing/embed.html", context, status=400)
    else:
        context["action_url"] = _embed_action_url(
            campaign_slug=campaign.slug, code=counter.country_code, is_open=is_open
        )
        response = render(request, "sharing/embed.html", context)
        response["Cache-Control"] = f"public, max-age={settings.SHARING_API_CACHE_SECONDS}"
    origins = embed_origins_for_campaign(campaign=campaign)
    if origins:
        # Only these sites may show the page in a frame; everywhere else the site-wide 'none' and DENY stay.
        response._csp_replace = {"frame-ancestors": origins}
        response.xframe_options_exempt = True
    return response


def _embed_action_url(*, campaign_slug: str, code: str, is_open: bool) -> str:
    if not is_open:
        return reverse("tracking:progress", args=[campaign_slug])
    if code:
        return reverse("campaign:letter_form", args=[campaign_slug, code.lower()])
    return reverse("campaign:campaign_detail", args=[campaign_slug])


@public_page
def og_image(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    footer = _("Write to the embassy: %(site)s") % {"site": site_host()}
    png, digest = og_image_for_campaign(campaign=campaign, language=translation.get_language() or "", footer=footer)
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={OG_IMAGE_MAX_AGE}"
    return response


def _share_target(*, campaign_slug: str, cc: str, countries: list[tuple[str, str]]) -> str:
    if cc.upper() in {code for code, _name in countries}:
        return site_url(reverse("campaign:letter_form", args=[campaign_slug, cc.lower()]))
    return site_url(reverse("campaign:campaign_detail", args=[campaign_slug]))


@public_page
def mastodon_share(request: HttpRequest, slug: str) -> HttpResponse:
    """Mastodon has no central share address: the reader names their server, and goes there to post.

    The form posts to this page by GET and needs no JavaScript. A request from our own page goes straight on; one
    from anywhere else (a crafted link) gets a page with the link to follow, so the site is no open redirect.
    """
    campaign = campaign_open_or_404(slug)
    cc = request.GET.get("cc", "")[:2]
    target = _share_target(campaign_slug=campaign.slug, cc=cc, countries=campaign_host_countries(campaign=campaign))
    text = f"{campaign.title}\n\n{target}"
    context = {"campaign": campaign, "cc": cc, "share_url": target}
    if "instance" not in request.GET:
        return render(request, "sharing/mastodon_share.html", {**context, "form": MastodonShareForm()})
    form = MastodonShareForm(request.GET)
    if not form.is_valid():
        return render(request, "sharing/mastodon_share.html", {**context, "form": form}, status=400)
    destination = mastodon_share_url(instance=form.cleaned_data["instance"], text=text)
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return redirect(destination)
    return render(request, "sharing/mastodon_share.html", {**context, "form": form, "destination": destination})
