"""Wrong codes count as failed logins (django-axes), against the account name and the address alike, so guessing
codes locks out just as guessing passwords does, with the same limit, cool-off and lockout page."""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response


def _credentials(user: AbstractBaseUser) -> dict[str, str]:
    return {"username": user.get_username()}


def otp_lockout_check(*, request: HttpRequest, user: AbstractBaseUser) -> bool:
    """True while the account name or the address is locked."""
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def otp_failure_record(*, request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Count one wrong code; True when that failure locked the account name or the address."""
    # The signal a wrong password sends: axes counts it, and marks the request when the limit is reached.
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def otp_lockout_response(*, request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    return get_lockout_response(request, None, _credentials(user))
