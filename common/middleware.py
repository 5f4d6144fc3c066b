"""Site-wide middleware: a guard that cannot count (Redis down) becomes a clear 503 page instead of a server
error, and every response carries the Permissions-Policy."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render

from .abuse import GuardUnavailable
from .http import PERMISSIONS_POLICY

RETRY_AFTER_SECONDS = 120


class GuardUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, GuardUnavailable):
            return None
        response = render(request, "common/unavailable.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class PermissionsPolicyMiddleware:
    """Every response denies the browser features no page uses (camera, microphone, location, payment…)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NullOriginCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check, accepting `Origin: null` from our own no-referrer pages on the strength of the token.

    A page with `Referrer-Policy: no-referrer` makes the browser send `Origin: null` with its forms, which Django
    would refuse outright. A forged post from another site's no-referrer page sends the same null origin but
    cannot know the visitor's CSRF token, so the token check that follows still refuses it.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        return super()._origin_verified(request)
