"""The read-only JSON API of public counts: any site may read it (CORS for GET), nobody may change anything.

It answers GET, HEAD and the OPTIONS preflight; any other method gets 405. Errors are JSON too, with the same
CORS headers, so a client in a browser can read why. Responses may be cached for API_CACHE_SECONDS.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .selectors import campaign_counts_public, campaign_get_public, country_counts_public

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
PREFLIGHT_MAX_AGE = 24 * 60 * 60


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    return response


def _error(status: int, message: str) -> HttpResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Cache-Control"] = "no-store"
    return _cors(response)


def api_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD reach the view; OPTIONS is the preflight's answer; the rest is 405. CSRF does not apply: no
    request changes anything."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return _cors(response)
        if request.method not in ("GET", "HEAD"):
            response = _error(405, _("This API only reads: use GET."))
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={settings.SHARING_API_CACHE_SECONDS}"
        return _cors(response)

    return wrapped


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@api_endpoint
def campaign_counts(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_get_public(slug=slug)
    if campaign is None:
        return _error(404, _("There is no campaign with this name."))
    return _json(campaign_counts_public(campaign=campaign))


@api_endpoint
def country_counts(request: HttpRequest, slug: str, cc: str) -> HttpResponse:
    campaign = campaign_get_public(slug=slug)
    if campaign is None:
        return _error(404, _("There is no campaign with this name."))
    counts = country_counts_public(campaign=campaign, code=cc)
    if counts is None:
        return _error(404, _("The campaign has no offices in this country."))
    return _json(counts)


@api_endpoint
def not_found(request: HttpRequest) -> HttpResponse:
    return _error(404, _("There is nothing at this address."))
