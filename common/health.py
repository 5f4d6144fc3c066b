"""/healthz: is this process able to do its work? The database, the cache, the broker and a worker.

200 with every part "ok", or 503 naming the parts that fail. Nothing personal, nothing cached.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from celery import current_app

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 1.0


def database_probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def cache_probe() -> None:
    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is not None:  # Redis: ask it directly, the resilient cache would hide an outage
        client_of(write=True).ping()


def broker_probe() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    with current_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_SECONDS)


def worker_probe() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    if not current_app.control.ping(timeout=PROBE_TIMEOUT_SECONDS):
        raise RuntimeError("no worker answered")


PROBES: dict[str, Callable[[], None]] = {
    "database": database_probe,
    "cache": cache_probe,
    "broker": broker_probe,
    "worker": worker_probe,
}


def health_report() -> dict[str, str]:
    report = {}
    for part, probe in PROBES.items():
        try:
            probe()
        except Exception as error:  # noqa: BLE001  (any failure of a part is what this page reports)
            logger.warning("health: %s failing: %s", part, error.__class__.__name__)
            report[part] = "failing"
        else:
            report[part] = "ok"
    return report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    failing = [part for part, state in report.items() if state != "ok"]
    body = {"status": "failing" if failing else "ok", "failing": failing, "parts": report}
    return JsonResponse(body, status=503 if failing else 200)
