"""Local development: SQLite, Celery eager, mail into the dev mailbox."""

from .base import *  # noqa: F403
from .base import BASE_DIR
from .env import env

DEBUG = True
ALLOWED_HOSTS = ["*"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", True)
DEV_MAILBOX_DIR = BASE_DIR / env.str("DEV_MAILBOX_DIR", "var/mailbox")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "devmailbox.backend.EmailBackend")
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", "dev:dev-webhook-secret")}
LETTER_ESP_ADAPTER = env.str("LETTER_ESP_ADAPTER", "campaign.esp.AnymailAdapter")
