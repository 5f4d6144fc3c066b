"""Authenticator devices: set one up, check a code against it, forget it when the phone is lost."""

import enum

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from django_otp.plugins.otp_totp.models import TOTPDevice

from .selectors import totp_device_get

DEVICE_NAME = "authenticator"


class TokenCheck(enum.Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    THROTTLED = "throttled"  # too many wrong codes lately: this one was not even looked at


def totp_device_prepare(*, user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up, kept across reloads: the secret the user scanned must stay the one we check."""
    device = totp_device_get(user=user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_token_check(*, device: TOTPDevice, token: str) -> TokenCheck:
    """Check a code. Each wrong code doubles the wait before the next is looked at (django-otp's throttle, kept on
    the device, so signing in again with the password does not reset it), and a code works only once."""
    with transaction.atomic():
        # Locked, so two requests with the same code cannot both be accepted.
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _details = locked.verify_is_allowed()
        if not allowed:
            return TokenCheck.THROTTLED
        return TokenCheck.ACCEPTED if locked.verify_token(token) else TokenCheck.REFUSED


def totp_device_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """The first right code proves the app holds the secret: from now on codes are checked against this device."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def totp_devices_delete(*, user: AbstractBaseUser) -> int:
    """Forget every device of the user (a lost phone): they set up a new one at their next sign-in."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return deleted
