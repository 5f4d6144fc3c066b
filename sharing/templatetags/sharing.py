"""Share links and Open Graph tags for the campaign pages (templates/sharing/_share.html and _og_meta.html)."""

from urllib.parse import urlencode

from django import template
from django.http import HttpRequest
from django.urls import reverse

from ..links import ShareLinks, share_links_build, site_url

register = template.Library()

# The letter form's prefill parameters travel with a shared link; nothing else of the address does.
PREFILL_PARAMETERS = ("offices", "letter")


def _page_url(request: HttpRequest) -> str:
    query = {key: request.GET[key][:500] for key in PREFILL_PARAMETERS if request.GET.get(key)}
    return site_url(request.path) + (f"?{urlencode(query)}" if query else "")


@register.simple_tag(takes_context=True)
def share_links(context: template.Context) -> ShareLinks:
    campaign = context["campaign"]
    return share_links_build(url=_page_url(context["request"]), text=campaign.title, email_subject=campaign.title)


@register.simple_tag(takes_context=True)
def og_image_url(context: template.Context) -> str:
    return site_url(reverse("sharing:og_image", args=[context["campaign"].slug]))


@register.simple_tag(takes_context=True)
def page_url(context: template.Context) -> str:
    return _page_url(context["request"])
