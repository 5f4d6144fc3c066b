"""Which authenticator device a staff member has."""

from django.contrib.auth.models import AbstractBaseUser

from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_get(*, user: AbstractBaseUser, confirmed: bool) -> TOTPDevice | None:
    """The user's confirmed device (the one codes are checked against), or the one still being set up."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()
