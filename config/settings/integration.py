"""Integration tests: a real Celery worker and the test process share a SQLite file and a real Redis.

Everything variable comes from the environment the test sets: INTEGRATION_DB, CELERY_BROKER_URL, POSTMARK_API_URL.
"""

import os

from .test import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["INTEGRATION_DB"],
        # Several processes write: wait for locks, and take the write lock at BEGIN to avoid upgrade deadlocks.
        "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
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
