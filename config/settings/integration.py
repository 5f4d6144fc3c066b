"""Integration tests: real Celery workers and the test process share a database and a real Redis.

Everything variable comes from the environment the test sets (tests/integration/conftest.py): CELERY_BROKER_URL,
POSTMARK_API_URL, and the database: INTEGRATION_DB, a SQLite file, when the test run is on SQLite; otherwise
DATABASE_URL, the test's own database on the run's PostgreSQL server (scripts/with_postgres.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .test import *  # noqa: F403

if "INTEGRATION_DB" in os.environ:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["INTEGRATION_DB"],
            # Several processes write: wait for locks, and take the write lock at BEGIN to avoid upgrade deadlocks.
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
elif not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")):
    # Never base.py's default, the project's own db.sqlite3.
    raise ImproperlyConfigured("Integration settings need INTEGRATION_DB (a SQLite file) or a PostgreSQL DATABASE_URL.")
# Otherwise base.py's DATABASES, read from DATABASE_URL with production's options, is the one.

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
LETTER_ESP_ADAPTER = "campaign.esp.postmark.PostmarkAdapter"
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": "integration-server-token",
    "POSTMARK_API_URL": os.environ["POSTMARK_API_URL"],
    "WEBHOOK_SECRET": "test:test-webhook-secret",
}
LETTER_RETRY_BACKOFF_SECONDS = 1
LETTER_RETRY_BACKOFF_MAX_SECONDS = 2
# DEBUG is off, so the worker checks its settings as production's would (common.checks): a real-looking secret,
# addresses of a domain we own.
SECRET_KEY = "integration-tests-only-secret-key-long-enough-for-the-deployment-check"  # noqa: S105
SITE_URL = "https://letters.integration.test"
DEFAULT_FROM_EMAIL = SERVER_EMAIL = "letters@integration.test"
REPLY_DOMAIN = "reply.integration.test"
