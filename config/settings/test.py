"""Tests: fast password hashing, anymail's test backend, Celery eager unless a test starts a worker.

The database is the one DATABASE_URL names (`make test` runs the suite on SQLite, then on a throwaway PostgreSQL
through scripts/with_postgres.py). SQLite's test database is a file of this run's own, not memory: tests whose
threads race on the database need every connection to see the same database, with the busy timeout.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

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

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"letters-test-{os.getpid()}.sqlite3")}
