"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from celery.schedules import crontab
from csp.constants import NONE, SELF
from environs import validate

from .env import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env.str("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "csp",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "import_export",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "common",
    "accounts",
    "embassies",
    "campaign",
    "printing",
    "tracking",
    "posters",
    "events",
    "sharing",
    "corrections",
    "faxing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that sets a cookie: it sees the final response (common/caching.py).
    "common.caching.PublicCacheGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "common.middleware.NullOriginCsrfMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.middleware.GuardUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Every login (admin, groups) is throttled by django-axes: AXES_FAILURE_LIMIT failures lock the account name and,
# separately, the address, for AXES_COOLOFF_HOURS. Addresses come from common.abuse.client_ip (trusted proxy).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", 1.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "common.abuse.client_ip"
AXES_LOCKOUT_TEMPLATE = "common/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # no record of successful logins: only failures are needed

# Only the site's own scripts, styles, fonts and images; no inline code, no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"  # staff and group pages; supporter pages send no-referrer (common/http.py)
CSRF_COOKIE_AGE = None  # gone when the browser closes; set only by pages that have a form

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "common.languages.page_languages",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL: postgres://user:password@host:5432/name?sslmode=require, or sqlite:///db.sqlite3 (the default).
DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        default="sqlite:///db.sqlite3",
        conn_max_age=env.int("DJANGO_CONN_MAX_AGE", 60),
        # A connection that died with a database restart is replaced before the request uses it.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] and not Path(DATABASES["default"]["NAME"]).is_absolute():
        DATABASES["default"]["NAME"] = BASE_DIR / DATABASES["default"]["NAME"]
    # Several processes (web, eager tasks, a worker) write: WAL lets readers go on, and a writer waits for the
    # lock (timeout) and takes it at BEGIN, so parallel confirmations never fail with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        # Organisers' accounts decide where letters go: a passphrase, not a word.
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages of the interface. Letter texts are data and may exist in more languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("cs", _("Czech")),
    ("de", _("German")),
    ("pl", _("Polish")),
    ("sk", _("Slovak")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("it", _("Italian")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", "Europe/Prague")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / env.str("DJANGO_STATIC_ROOT", "staticfiles")
MEDIA_ROOT = BASE_DIR / env.str("DJANGO_MEDIA_ROOT", "media")
MEDIA_URL = "/media/"


def media_storage() -> dict:
    """Where batch PDFs and reply attachments live: MEDIA_ROOT on one machine, or a private S3-compatible bucket
    that several web and worker machines share (MEDIA_S3_BUCKET). The files are never public: views stream them to
    the people allowed to see them."""
    bucket = env.str("MEDIA_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", "") or None,
            "region_name": env.str("MEDIA_S3_REGION", "") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", ""),
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", ""),
            "location": env.str("MEDIA_S3_PREFIX", ""),
            "default_acl": None,  # the bucket stays private; some S3-compatible stores refuse ACLs
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "letters",
    }
}

# Celery: tasks take ids and are queued on commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task while the broker is down fails fast (common.queueing); the sweeps catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULE: dict = {
    "letters-sweep": {"task": "campaign.letters_sweep", "schedule": 120.0},
    "supporter-mail-sweep": {"task": "campaign.supporter_mail_sweep", "schedule": 300.0},
    "closed-campaigns-sender-hashes-drop": {"task": "campaign.closed_campaigns_sender_hashes_drop", "schedule": 3600.0},
    "submissions-unconfirmed-delete": {"task": "campaign.submissions_unconfirmed_delete", "schedule": 3600.0},
    "submissions-personal-data-erase": {"task": "campaign.submissions_personal_data_erase", "schedule": 3600.0},
}

# Sending letters. The sweep's "sending" threshold must exceed the send task's hard time limit.
LETTER_SEND_MAX_RETRIES = env.int("LETTER_SEND_MAX_RETRIES", 6)
LETTER_SEND_MAX_ATTEMPTS = env.int("LETTER_SEND_MAX_ATTEMPTS", 10)
# An office is flagged after a hard bounce, or after this many letters to it bounced temporarily (a full
# mailbox, greylisting) within the window; one soft bounce never stops the mail to an embassy.
SOFT_BOUNCES_TO_FLAG = env.int("SOFT_BOUNCES_TO_FLAG", 3)
SOFT_BOUNCE_WINDOW_DAYS = env.int("SOFT_BOUNCE_WINDOW_DAYS", 14)
LETTER_SEND_TIME_LIMIT_SECONDS = env.int("LETTER_SEND_TIME_LIMIT_SECONDS", 120)
LETTER_RETRY_BACKOFF_SECONDS = env.int("LETTER_RETRY_BACKOFF_SECONDS", 30)
LETTER_RETRY_BACKOFF_MAX_SECONDS = env.int("LETTER_RETRY_BACKOFF_MAX_SECONDS", 600)
LETTER_SWEEP_QUEUED_AFTER_SECONDS = env.int("LETTER_SWEEP_QUEUED_AFTER_SECONDS", 900)
LETTER_SWEEP_SENDING_AFTER_SECONDS = env.int("LETTER_SWEEP_SENDING_AFTER_SECONDS", 600)
# An ESP outage longer than the task's retries: the sweep keeps trying with pauses doubling up to
# LETTER_RETRY_PAUSE_MAX_SECONDS, until this many hours after sending began; then the letter fails with the reason.
LETTER_RETRY_MAX_AGE_HOURS = env.int("LETTER_RETRY_MAX_AGE_HOURS", 48)
LETTER_RETRY_PAUSE_MAX_SECONDS = env.int("LETTER_RETRY_PAUSE_MAX_SECONDS", 3 * 3600)
CELERY_BEAT_SCHEDULE["tracking-reply-survey"] = {"task": "tracking.reply_survey_send_due", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["tracking-replies-forward-sweep"] = {"task": "tracking.replies_forward_sweep", "schedule": 600.0}
# Delivery reports that arrived before their letter was recorded as sent (ESPs without a letter reference).
CELERY_BEAT_SCHEDULE["tracking-delivery-events-parked"] = {
    "task": "tracking.delivery_events_parked_apply",
    "schedule": 120.0,
}
CELERY_BEAT_SCHEDULE["tracking-reply-purge"] = {"task": "tracking.reply_content_purge", "schedule": 6 * 3600.0}

# Email. ESP chooses how mail leaves (docs/esp.md): the backend that sends, and the outbox's view of the same
# ESP (campaign.esp). EMAIL_BACKEND and LETTER_ESP_ADAPTER may override either, e.g. for development.
ESP_CLASSES = {
    "postmark": ("anymail.backends.postmark.EmailBackend", "campaign.esp.postmark.PostmarkAdapter"),
    "postal": ("campaign.esp.postal.EmailBackend", "campaign.esp.postal.PostalAdapter"),
    "smtp": ("campaign.esp.smtp.EmailBackend", "campaign.esp.smtp.SmtpAdapter"),
}
ESP = env.str("ESP", "postmark", validate=validate.OneOf(list(ESP_CLASSES)))
EMAIL_BACKEND = env.str("EMAIL_BACKEND", ESP_CLASSES[ESP][0])
LETTER_ESP_ADAPTER = env.str("LETTER_ESP_ADAPTER", ESP_CLASSES[ESP][1])
# Fax letters (campaign/couriers.py): the courier that renders them and hands them to each country's gateway,
# which organisers configure in the admin. Empty: no country offers sending by fax.
LETTER_FAX_COURIER = env.str("LETTER_FAX_COURIER", "faxing.courier.GatewayFaxCourier")
# How long the fax API may take to answer one request.
FAX_API_TIMEOUT_SECONDS = env.int("FAX_API_TIMEOUT_SECONDS", 30)
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", ""),
    "POSTMARK_API_URL": env.str("POSTMARK_API_URL", "https://api.postmarkapp.com/"),
    "POSTAL_API_URL": env.str("POSTAL_API_URL", ""),
    "POSTAL_API_KEY": env.str("POSTAL_API_KEY", ""),
    "POSTAL_WEBHOOK_KEY": env.str("POSTAL_WEBHOOK_KEY", ""),
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", ""),
}
# ESP=smtp: Django's own SMTP settings.
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
# Seconds per exchange with the server. Without it a server that stops answering holds the worker until the send
# task's time limit kills it, and the letter waits for the sweep.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "letters@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Absolute links in emails (confirmation, status page) start with this.
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000")
# Two-factor authentication (django-otp, TOTP) for staff: when required, a staff session reaches nothing but the
# second-factor pages until the user gives a code from their authenticator app (accounts.middleware). Off here so
# development and tests sign in with a password; production turns it on (prod.py, OTP_REQUIRED).
OTP_REQUIRED = False
# The name authenticator apps show next to the account: the site's host, so two campaigns' sites differ.
OTP_TOTP_ISSUER = urlsplit(SITE_URL).hostname or "Letters to embassies"
# The device admin (superusers only) never shows a secret key or its QR code: a lost phone means a new device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The double opt-in link expires after this many hours.
CONFIRMATION_MAX_AGE_HOURS = env.int("CONFIRMATION_MAX_AGE_HOURS", 72)

# Abuse guards on public forms (common.abuse). Rate limits count per window in the cache.
FORM_MIN_FILL_SECONDS = env.int("FORM_MIN_FILL_SECONDS", 4)
FORM_MAX_AGE_SECONDS = env.int("FORM_MAX_AGE_SECONDS", 6 * 3600)
# Past this many an hour, senders from one IP address (often shared) must solve a proof of work; past the
# ceiling they are refused. The per-email limit is firm.
RATE_LIMIT_LETTERS_PER_IP = env.int("RATE_LIMIT_LETTERS_PER_IP", 10)
RATE_LIMIT_LETTERS_PER_IP_CEILING = env.int("RATE_LIMIT_LETTERS_PER_IP_CEILING", 200)
RATE_LIMIT_LETTERS_PER_EMAIL = env.int("RATE_LIMIT_LETTERS_PER_EMAIL", 5)
RATE_LIMIT_MARKS_PER_IP = env.int("RATE_LIMIT_MARKS_PER_IP", 30)
RATE_LIMIT_WINDOW_SECONDS = env.int("RATE_LIMIT_WINDOW_SECONDS", 3600)
# Behind a reverse proxy: the META key holding the client address, e.g. HTTP_X_REAL_IP.
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 1)
# Self-hosted proof of work (static/js/pow.js). Needs JavaScript in the supporter's browser when on.
POW_ENABLED = env.bool("POW_ENABLED", False)
POW_DIFFICULTY_BITS = env.int("POW_DIFFICULTY_BITS", 16)
POW_MAX_AGE_SECONDS = env.int("POW_MAX_AGE_SECONDS", 3600)

# Where each letter's own reply address lives (token@REPLY_DOMAIN).
REPLY_DOMAIN = env.str("REPLY_DOMAIN", "reply.example.org")
# Replies received there: text kept up to this many bytes; content erased after REPLY_RETENTION_DAYS.
REPLY_MAX_BYTES = env.int("REPLY_MAX_BYTES", 64 * 1024)
# Largest inbound webhook body accepted (Postmark allows 35 MB mails; base64 in JSON adds a third).
REPLY_MAX_REQUEST_BYTES = env.int("REPLY_MAX_REQUEST_BYTES", 50 * 1024 * 1024)
# Replies keep PDFs and pictures (scanned letters) up to this size and count, under MEDIA_ROOT/replies.
REPLY_ATTACHMENT_MAX_BYTES = env.int("REPLY_ATTACHMENT_MAX_BYTES", 15 * 1024 * 1024)
REPLY_ATTACHMENTS_MAX = env.int("REPLY_ATTACHMENTS_MAX", 5)
# Days after sending before supporters are asked "did the office reply?".
REPLY_SURVEY_AFTER_DAYS = env.int("REPLY_SURVEY_AFTER_DAYS", 14)
# Public progress page: seconds its figures are cached; "I called"/"I sent a fax" clicks per IP per hour.
PROGRESS_CACHE_SECONDS = env.int("PROGRESS_CACHE_SECONDS", 60)
# The public JSON API and the embedded counter (sharing): seconds browsers and proxies may keep them; and how long
# the cache keeps a drawn social card (a changed title or summary draws a new one).
SHARING_API_CACHE_SECONDS = env.int("SHARING_API_CACHE_SECONDS", 60)
SHARING_OG_IMAGE_CACHE_SECONDS = env.int("SHARING_OG_IMAGE_CACHE_SECONDS", 7 * 24 * 60 * 60)
# Public pages (home, directory, campaign, progress): seconds the proxy may keep them for anonymous visitors, and
# how much longer it may serve the old copy while it fetches a new one (common/caching.py).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", 60)
PUBLIC_CACHE_STALE_SECONDS = env.int("PUBLIC_CACHE_STALE_SECONDS", 30)
CALL_LOG_LIMIT_PER_HOUR = env.int("CALL_LOG_LIMIT_PER_HOUR", 10)

# How long personal data is kept, in days.
RETENTION_UNCONFIRMED_DAYS = env.int("RETENTION_UNCONFIRMED_DAYS", 7)
RETENTION_SUPPORTER_DAYS = env.int("RETENTION_SUPPORTER_DAYS", 30)
# Replies (they quote the supporter) are kept no longer than the supporter's data: a longer value is capped.
REPLY_RETENTION_DAYS = env.int("REPLY_RETENTION_DAYS", RETENTION_SUPPORTER_DAYS)
# Group batches (printing): signer names are deleted once posted or after this many days.
RETENTION_SIGNERS_DAYS = env.int("RETENTION_SIGNERS_DAYS", 30)
# Batch PDFs render in chunks of this many letters across this many worker processes.
PRINT_BATCH_CHUNK_SIZE = env.int("PRINT_BATCH_CHUNK_SIZE", 60)
PRINT_BATCH_WORKERS = env.int("PRINT_BATCH_WORKERS", 2)
# Admin imports of more rows than this run in a worker, with a progress page (embassies.importing.jobs).
OFFICE_IMPORT_BACKGROUND_ROWS = env.int("OFFICE_IMPORT_BACKGROUND_ROWS", 300)
# Import jobs never confirmed are discarded with their file after a day; jobs a dead worker left are queued again.
CELERY_BEAT_SCHEDULE["embassies-office-import-jobs-sweep"] = {
    "task": "embassies.office_import_jobs_sweep",
    "schedule": 600.0,
}
# Supporter PDFs cost CPU to render: at most this many per IP per RATE_LIMIT_WINDOW_SECONDS.
RATE_LIMIT_PDFS_PER_IP = env.int("RATE_LIMIT_PDFS_PER_IP", 20)
CELERY_BEAT_SCHEDULE["printing-signers-expire"] = {"task": "printing.batches_personal_data_expire", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["printing-batches-generation-sweep"] = {
    "task": "printing.batches_generation_sweep",
    "schedule": 300.0,
}

# Events in front of offices (events app). Proposals and "I'll come" per IP per RATE_LIMIT_WINDOW_SECONDS;
# an organiser's contact for an event is erased this many days after it ends.
RATE_LIMIT_EVENT_PROPOSALS_PER_IP = env.int("RATE_LIMIT_EVENT_PROPOSALS_PER_IP", 5)
RATE_LIMIT_EVENT_RSVPS_PER_IP = env.int("RATE_LIMIT_EVENT_RSVPS_PER_IP", 30)
RETENTION_EVENT_CONTACT_DAYS = env.int("RETENTION_EVENT_CONTACT_DAYS", RETENTION_SUPPORTER_DAYS)
# Photos of past events: uploads up to this size, re-encoded to at most this many pixels on the longer side.
EVENT_PHOTO_MAX_BYTES = env.int("EVENT_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
EVENT_PHOTO_MAX_SIDE = env.int("EVENT_PHOTO_MAX_SIDE", 2000)
CELERY_BEAT_SCHEDULE["events-contact-purge"] = {"task": "events.event_contacts_purge", "schedule": 6 * 3600.0}

# Problem reports on offices (corrections app): reports per IP per RATE_LIMIT_WINDOW_SECONDS; a reporter's email is
# erased this many days after the report is resolved, and never kept longer than the MAX days.
RATE_LIMIT_OFFICE_REPORTS_PER_IP = env.int("RATE_LIMIT_OFFICE_REPORTS_PER_IP", 5)
RETENTION_REPORT_CONTACT_DAYS = env.int("RETENTION_REPORT_CONTACT_DAYS", 14)
RETENTION_REPORT_CONTACT_MAX_DAYS = env.int("RETENTION_REPORT_CONTACT_MAX_DAYS", 60)
CELERY_BEAT_SCHEDULE["corrections-contacts-purge"] = {
    "task": "corrections.report_contacts_purge",
    "schedule": 6 * 3600.0,
}
# The organisers' weekly digest, Monday morning; a second run in the same ISO week sends nothing.
CELERY_BEAT_SCHEDULE["corrections-digests-send"] = {
    "task": "corrections.digests_send",
    "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
}

# Development mailbox: a folder of .eml files shown at /dev/mailbox/ when DEBUG is on.
DEV_MAILBOX_DIR = None

# One line per event, UTC timestamps, key=value (LOG_JSON=true for JSON). Celery logs through the same handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "common.log_format.UtcLineFormatter", "json": env.bool("LOG_JSON", False)}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
