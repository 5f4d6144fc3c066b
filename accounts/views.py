"""The second factor after the password: set up an authenticator app once, then give its code at each sign-in.

Both pages belong to a staff member who has given their password (accounts.middleware sends them here), and look
like the admin they lead to.
"""

from urllib.parse import urlencode, urlsplit

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

import django_otp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TokenForm
from .lockout import otp_failure_record, otp_lockout_check, otp_lockout_response
from .selectors import totp_device_get
from .services import TokenCheck, totp_device_confirm, totp_device_prepare, totp_token_check
from .setup_codes import setup_key_text, setup_qr_svg


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: the page the middleware held back, if it is one of ours; else the admin."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # These pages send each other onwards with `next`: pointing one at the other would go round in circles.
    ours = {reverse("accounts:otp_verify"), reverse("accounts:otp_enrol")}
    if (
        url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and urlsplit(candidate).path not in ours
    ):
        return candidate
    return reverse("admin:index")


def _with_next(viewname: str, next_url: str) -> str:
    return f"{reverse(viewname)}?{urlencode({'next': next_url})}"


def _refusal(check: TokenCheck) -> str:
    if check is TokenCheck.THROTTLED:
        return _("Too many wrong codes in a row. Wait a little, then enter the newest code your app shows.")
    return _(
        "That code is not right. Enter the newest code your app shows, and check that your phone's clock is right."
    )


def _verified(request: HttpRequest, device: TOTPDevice, next_url: str) -> HttpResponse:
    django_otp.login(request, device)
    # The session now opens every staff page: give it a new key, as a password login does.
    request.session.cycle_key()
    return redirect(next_url)


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    # The admin's look without its navigation: none of those pages opens before the second factor.
    return render(request, template, {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **context})


@never_cache
@require_http_methods(["GET", "POST"])
@staff_member_required(login_url="admin:login")
def otp_enrol(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if totp_device_get(user=request.user, confirmed=True) is not None:
        # Replacing a device would let a stolen password replace the phone: a superuser resets it instead.
        return redirect(_with_next("accounts:otp_verify", next_url))
    device = totp_device_prepare(user=request.user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        check = totp_token_check(device=device, token=form.cleaned_data["token"])
        if check is TokenCheck.ACCEPTED:
            totp_device_confirm(device=device)
            messages.success(request, _("Two-factor authentication is set up. Sign-ins now ask for a code."))
            return _verified(request, device, next_url)
        form.add_error("token", _refusal(check))
    context = {
        "title": _("Set up two-factor authentication"),
        "form": form,
        "next": next_url,
        "qr_svg": setup_qr_svg(uri=device.config_url),
        "setup_uri": device.config_url,
        "setup_key": setup_key_text(key=device.bin_key),
    }
    return _page(request, "accounts/otp_enrol.html", context)


def _locked_out(request: HttpRequest) -> HttpResponse:
    user = request.user
    logout(request)
    return otp_lockout_response(request=request, user=user)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_member_required(login_url="admin:login")
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    device = totp_device_get(user=request.user, confirmed=True)
    if device is None:
        return redirect(_with_next("accounts:otp_enrol", next_url))
    if otp_lockout_check(request=request, user=request.user):
        return _locked_out(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        check = totp_token_check(device=device, token=form.cleaned_data["token"])
        if check is TokenCheck.ACCEPTED:
            return _verified(request, device, next_url)
        if otp_failure_record(request=request, user=request.user):
            return _locked_out(request)
        form.add_error("token", _refusal(check))
    context = {"title": _("Enter your code"), "form": form, "next": next_url}
    return _page(request, "accounts/otp_verify.html", context)
