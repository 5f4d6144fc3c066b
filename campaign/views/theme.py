"""A campaign's accent colour as a tiny stylesheet: the site's CSP admits no inline style, and a nonce in a page the
proxy caches would be shared by every visitor of that minute."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from ..shortcuts import campaign_open_or_404


@require_http_methods(["GET", "HEAD"])
def campaign_theme(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    # accent_text_colour is empty unless the stored colour is a well-formed hex colour: nothing else reaches CSS.
    text_colour = campaign.accent_text_colour
    css = f":root {{ --accent: {campaign.accent_colour}; --on-accent: {text_colour}; }}\n" if text_colour else ""
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
    return response
