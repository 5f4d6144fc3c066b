import os
import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from celery import Celery
from celery.signals import beat_init, worker_init

from common.checks import production_settings_enforce

# A worker or beat started without DJANGO_SETTINGS_MODULE runs the production settings, which refuse to
# start on development defaults: it can never silently send letters into the dev mailbox.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = Celery("letters")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def settings_enforce(**kwargs: Any) -> None:
    # Celery logs and swallows exceptions raised by signal handlers: exit outright.
    try:
        production_settings_enforce()
    except ImproperlyConfigured as error:
        sys.stderr.write(f"{error}\n")
        raise SystemExit(1) from error
