"""System checks: refuse to run a production site whose ESP webhooks anyone could post to."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def webhook_secret_check(app_configs=None, **kwargs) -> list[Error]:
    # Without a secret anymail only warns and accepts every request: anyone could mark letters bounced
    # and flag offices' addresses. Development (DEBUG) may run without one.
    if settings.DEBUG or (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET"):
        return []
    return [
        Error(
            "ANYMAIL_WEBHOOK_SECRET is not set, so the ESP's webhooks would accept requests from anyone.",
            hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:long-random-password' and give the same credentials to the ESP.",
            id="campaign.E001",
        )
    ]
