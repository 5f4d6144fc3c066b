"""With OTP_REQUIRED, a staff session is only half open after the password: until the person gives a code from
their authenticator app it reaches the second-factor pages and the logout, nothing else.

Holding back every page, not a list of staff pages, means a new staff view cannot be forgotten. Group members
who are not staff (the printing login) are never asked.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

PASSING_VIEWS = frozenset({"admin:logout"})
PASSING_NAMESPACE = "accounts"


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        # Without a session cookie nobody is signed in; not touching the session keeps public pages free of
        # `Vary: Cookie`.
        if not settings.OTP_REQUIRED or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        match = request.resolver_match
        if match is not None and (match.view_name in PASSING_VIEWS or PASSING_NAMESPACE in match.namespaces):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        return redirect_to_login(request.get_full_path(), reverse("accounts:otp_verify"))
