"""System checks that keep a production site from running on development defaults.

The webhook check runs with every command. The others run with `check --deploy` and when a production web
process or Celery worker starts (config/wsgi.py, config/celery.py): a site that would mail confirmation links
to 127.0.0.1, send from example.org or collect replies at example.org refuses to start.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from cryptography.hazmat.primitives import serialization

SECRET_KEY_MIN_LENGTH = 50
POSTAL_SETTINGS = ("POSTAL_API_URL", "POSTAL_API_KEY", "POSTAL_WEBHOOK_KEY")
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "localhost", "127.0.0.1")


def _placeholder(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return any(domain == placeholder or domain.endswith("." + placeholder) for placeholder in PLACEHOLDER_DOMAINS)


@register()
def webhook_secret_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    # Without a secret anymail only warns and accepts every request: anyone could mark letters bounced
    # and flag offices' addresses. Development (DEBUG) may run without one.
    if settings.DEBUG or (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET"):
        return []
    return [
        Error(
            "ANYMAIL_WEBHOOK_SECRET is not set, so the ESP's webhooks would accept requests from anyone.",
            hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:long-random-password' and give the same credentials to the ESP.",
            id="common.E001",
        )
    ]


@register(Tags.security, deploy=True)
def deployment_addresses_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    errors = []
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" or _placeholder(site.hostname or ""):
        errors.append(
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: links in confirmation emails would not reach this site.",
                hint="Set SITE_URL to the public https:// address of the site, e.g. https://letters.example-campaign.eu.",
                id="common.E002",
            )
        )
    if _placeholder(settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]):
        errors.append(
            Error(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: mail would claim to come from a domain you do not own.",
                hint="Set DEFAULT_FROM_EMAIL to an address of your campaign's domain, with SPF, DKIM and DMARC for the ESP.",
                id="common.E003",
            )
        )
    if _placeholder(settings.REPLY_DOMAIN):
        errors.append(
            Error(
                f"REPLY_DOMAIN is {settings.REPLY_DOMAIN!r}: embassies' replies would go to a domain you do not own.",
                hint="Set REPLY_DOMAIN to a domain whose MX points at your ESP's inbound servers.",
                id="common.E004",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def deployment_secrets_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    errors = []
    if len(settings.SECRET_KEY) < SECRET_KEY_MIN_LENGTH or settings.SECRET_KEY.startswith("insecure-"):
        errors.append(
            Error(
                "DJANGO_SECRET_KEY is short or a development key: it signs confirmation links and keys the "
                "duplicate-letter check.",
                hint='Generate one: python3 -c "import secrets; print(secrets.token_urlsafe(50))". Back it up.',
                id="common.E005",
            )
        )
    site_host = urlsplit(settings.SITE_URL).hostname or ""
    if site_host and not validate_host(site_host, settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"DJANGO_ALLOWED_HOSTS does not include {site_host!r}, the host of SITE_URL: every request would be refused.",
                hint=f"Add {site_host} to DJANGO_ALLOWED_HOSTS (comma-separated).",
                id="common.E007",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def esp_settings_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    """What the ESP that EMAIL_BACKEND names needs before any letter can leave (docs/esp.md)."""
    backend = settings.EMAIL_BACKEND.lower()
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    errors = []
    if "postmark" in backend and not anymail.get("POSTMARK_SERVER_TOKEN"):
        errors.append(
            Error(
                "POSTMARK_SERVER_TOKEN is empty: every letter and confirmation would fail at the ESP.",
                hint="Copy the server API token from your Postmark server's API Tokens page.",
                id="common.E006",
            )
        )
    if "postal" in backend:
        errors.extend(_postal_settings_errors(anymail))
    if "smtp" in backend and settings.EMAIL_USE_TLS and settings.EMAIL_USE_SSL:
        errors.append(
            Error(
                "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: Django's SMTP backend refuses to send with both.",
                hint="Port 587 (submission) takes EMAIL_USE_TLS, port 465 takes EMAIL_USE_SSL: keep the one your server speaks.",
                id="common.E010",
            )
        )
    return errors


def _postal_settings_errors(anymail: dict) -> list[Error]:
    missing = [name for name in POSTAL_SETTINGS if not anymail.get(name)]
    if missing:
        return [
            Error(
                f"Postal settings missing ({', '.join(missing)}): no letter could be sent, or Postal's delivery "
                "events and replies would be refused.",
                hint="POSTAL_API_URL is your Postal's address, POSTAL_API_KEY an API credential of its mail server, "
                "POSTAL_WEBHOOK_KEY the public key Postal signs webhooks with (docs/esp.md).",
                id="common.E008",
            )
        ]
    try:
        serialization.load_pem_public_key(
            f"-----BEGIN PUBLIC KEY-----\n{anymail['POSTAL_WEBHOOK_KEY']}\n-----END PUBLIC KEY-----".encode()
        )
    except ValueError:
        return [
            Error(
                "POSTAL_WEBHOOK_KEY is not a public key: every event and reply from Postal would be refused.",
                hint="Copy the key from `postal default-dkim-record` (the text after p=), without spaces or quotes.",
                id="common.E009",
            )
        ]
    return []


def production_settings_enforce() -> None:
    """Refuse to start a production process whose settings fail a check (deployment checks included)."""
    if settings.DEBUG:
        return
    errors = [message for message in run_checks(include_deployment_checks=True) if message.is_serious()]
    if errors:
        details = "; ".join(f"{error.id}: {error.msg}" for error in errors)
        raise ImproperlyConfigured(f"Refusing to start with these settings: {details}")
