"""A production site that lets staff in with a password alone says so in `check --deploy`."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def otp_required_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Warning]:
    if settings.OTP_REQUIRED:
        return []
    return [
        Warning(
            "OTP_REQUIRED is off: organisers and other staff sign in with a password alone.",
            hint="Unset OTP_REQUIRED (production turns it on) or set OTP_REQUIRED=true.",
            id="accounts.W001",
        )
    ]
