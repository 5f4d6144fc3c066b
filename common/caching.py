"""Public pages that the proxy in front may keep for a short while, and the guard that keeps everything else private.

The pages everyone reads the same way (home, directory, campaign, progress) say `Cache-Control: public` to an
anonymous GET, so nginx's `proxy_cache` (deploy/nginx/letters.conf) answers most of their requests without
touching Django. A proxy cache was measured against Django's own per-language page cache in `bench/load.py`, and
kept: a cached answer then costs no Python at all, and the proxy has nothing to invalidate: the pages are at most
PUBLIC_CACHE_SECONDS old.

What may be kept is decided by the response, not by a list of URLs:
- `public_cacheable` marks a view's 200 answers to anonymous GET/HEAD requests as public;
- `PublicCacheGuardMiddleware`, outside every middleware that sets cookies, takes that back from any response that
  sets a cookie or varies on one, and makes every response that says nothing `private`: a form with its CSRF token,
  a letter's status page, the bare address's redirect chosen by `Accept-Language`. Only what a view declared
  public is shared.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import has_vary_header, patch_cache_control

READ_METHODS = frozenset({"GET", "HEAD"})


def request_is_anonymous(request: HttpRequest) -> bool:
    """No session (a signed-in organiser or group member) and no pending message to show. Read from the cookies
    alone: loading the session would make every page vary on Cookie."""
    return not any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name))


def response_private_make(response: HttpResponse) -> None:
    # `no-store`: the answer may hold what only this browser should see (a session's page, a form's token).
    response.headers.pop("Cache-Control", None)
    patch_cache_control(response, private=True, no_store=True)


def public_cacheable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that reads the same for every anonymous visitor in its language: a proxy may keep it briefly."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        shareable = request.method in READ_METHODS and request_is_anonymous(request)
        if shareable and response.status_code == 200 and not response.cookies:
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_CACHE_SECONDS,
                stale_while_revalidate=settings.PUBLIC_CACHE_STALE_SECONDS,
            )
        else:
            response_private_make(response)
        return response

    return wrapped


class PublicCacheGuardMiddleware:
    """Last to see each response: only a page declared public, without cookies, is shared."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "")
        if "public" in cache_control and (response.cookies or has_vary_header(response, "Cookie")):
            response_private_make(response)
        elif not cache_control:
            # Only `private`: a form page must stay in the browser's history with what the visitor typed.
            patch_cache_control(response, private=True)
        return response
