"""Local development: SQLite, Celery eager, mail into the dev mailbox."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env_bool, env_str

DEBUG = True
ALLOWED_HOSTS = ["*"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
DEV_MAILBOX_DIR = BASE_DIR / env_str("DEV_MAILBOX_DIR", "var/mailbox")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "devmailbox.backend.EmailBackend")
ANYMAIL = {"WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET", "dev:dev-webhook-secret")}
LETTER_ESP_ADAPTER = env_str("LETTER_ESP_ADAPTER", "campaign.esp.AnymailAdapter")
