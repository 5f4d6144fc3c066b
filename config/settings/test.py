"""Tests: fast password hashing, anymail's test backend, Celery eager unless a test starts a worker."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "test-secret-key"  # noqa: S105  (tests only; production requires DJANGO_SECRET_KEY)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
ANYMAIL = {"WEBHOOK_SECRET": "test:test-webhook-secret"}
DEV_MAILBOX_DIR = BASE_DIR / "var" / "test-mailbox"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
LETTER_ESP_ADAPTER = "campaign.esp.AnymailAdapter"
