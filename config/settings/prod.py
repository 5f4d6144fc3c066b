"""Production: everything from the environment, Redis for cache and broker, HTTPS only."""

from .base import *  # noqa: F403
from .env import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
CACHES = {
    "default": {
        # Its own Redis database: the broker has another (CELERY_BROKER_URL, /0 by default).
        "BACKEND": "common.cache.ResilientRedisCache",
        "LOCATION": env.str("REDIS_CACHE_URL", "redis://127.0.0.1:6379/1"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# Hashed, compressed static files served by WhiteNoise from STATIC_ROOT (collectstatic at build time).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Staff give a code from their authenticator app after the password (accounts.middleware).
OTP_REQUIRED = env.bool("OTP_REQUIRED", True)

SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", True)
# The TLS proxy in front (Caddy, nginx) sets X-Forwarded-Proto; never expose gunicorn directly.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browsers' built-in lists that takes months to undo: the operator's decision.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", False)
# W003 looks for Django's CSRF middleware by name; common.middleware.NullOriginCsrfMiddleware is that middleware.
SILENCED_SYSTEM_CHECKS = ["security.W003"] + ([] if SECURE_HSTS_PRELOAD else ["security.W021"])

# Optional error reports to a Sentry-compatible service (e.g. self-hosted GlitchTip). No personal data:
# no request bodies (letters), no cookies, no user details.
SENTRY_DSN = env.str("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0,
    )
