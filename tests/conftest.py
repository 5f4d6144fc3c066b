"""Fixtures for the whole suite.

Every test: a clean cache, English, anymail's test backend, media in its own temporary folder.
On request: the sample campaign; Chromium and a page in it (tests marked `browser`); redis-server and the project
with a Celery worker in other processes (tests marked `integration`).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.core.cache import cache
from django.db import connections
from django.utils import translation

import boto3
import pytest
import redis
from moto.server import ThreadedMotoServer
from playwright.sync_api import sync_playwright

from config.settings.base import media_storage
from tests.databases import postgres_database_create, postgres_database_drop, postgres_server_url
from tests.factories import CampaignFactory, LetterTemplateFactory
from tests.processes import free_port, processes_stop, wait_for
from tracking import progress_cache

REPOSITORY = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _clear_cache():
    """The copies of the progress figures each process keeps beside the cache go with it."""
    cache.clear()
    progress_cache._process_copies.clear()
    yield
    cache.clear()
    progress_cache._process_copies.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request through LocaleMiddleware leaves its language active in the thread; start every test in English."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _anymail_test_backend(settings):
    """Django's test setup swaps in the locmem backend; put back anymail's, so anymail's code paths run.

    A test that needs another backend sets `settings.EMAIL_BACKEND` itself: autouse fixtures run first.
    """
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads and generated files go to the test's own folder, never to the project's media folder.

    Processes a test starts (`django_with_worker`, tests/integration) are given their own MEDIA_ROOT.
    """
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def campaign(db):
    """The sample campaign against Law No. 13673, with its English letter."""
    campaign = CampaignFactory(slug="law-13673", title="Against Law No. 13673")
    LetterTemplateFactory(
        campaign=campaign,
        language="en",
        subject="A protest against Law No. 13673",
        body="{salutation},\n\nWe write on behalf of the citizens of {host_country}.",
    )
    return campaign


@pytest.fixture
def chromium():
    """The system's Chromium, driven through Playwright's sync API (tests marked `browser`)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make test` (scripts/system-packages.sh test)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium, monkeypatch):
    """Open Chromium contexts that fail the test if a page asked anything of another server than the test's own
    (no CDN, fonts or trackers) or broke the Content-Security-Policy."""
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    contexts, requests_elsewhere, csp_violations = [], [], []

    def open_context(**options):
        context = chromium.new_context(**options)
        context.on(
            "request",
            lambda request: (
                None
                if request.url.startswith(("http://localhost", "http://127.0.0.1"))
                else requests_elsewhere.append(request.url)
            ),
        )
        context.on(
            "console",
            lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    _connections_close_outside_transactions()
    assert requests_elsewhere == []
    assert csp_violations == []


@pytest.fixture
def page(browser_context):
    """A Chromium page with JavaScript off, in British English."""
    context = browser_context(java_script_enabled=False, locale="en-GB", viewport={"width": 1100, "height": 900})
    return context.new_page()


def _connections_close_outside_transactions() -> None:
    """Under Playwright's sync API the test body's ORM calls run in a contextvars context of their own, so they open
    database connections pytest-django never sees: close them (not one a test transaction still needs), or
    PostgreSQL refuses to drop the test database at the end of the run ("being accessed by other users")."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of the test module's own, as the Celery broker of the processes it starts."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed: run `make test` (scripts/system-packages.sh test)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)

    def pong():
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    wait_for(pong, timeout=10, message="redis-server")
    yield url
    processes_stop(process)


@pytest.fixture
def django_with_worker(tmp_path, redis_url):
    """Start the project with the dev settings in other processes: a migrated database and a Celery worker.

    `django_with_worker(pool=..., **environment)` returns `shell(code) -> str`, which runs the code in
    `manage.py shell` against the same database and gives back what it printed. Media and mail stay in tmp_path.
    The database is a file in tmp_path, or, when the run is on PostgreSQL, a database of the test's own there.
    """
    workers = []
    server_url = postgres_server_url()
    databases = []

    def database_url() -> str:
        if server_url is None:
            return f"sqlite:///{tmp_path / 'db.sqlite3'}"
        if not databases:
            databases.append(postgres_database_create(server_url=server_url, prefix="worker"))
        return databases[0]

    def start(*, pool: str, **environment: str):
        redis.Redis.from_url(redis_url).flushdb()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DEV_MAILBOX_DIR": str(tmp_path / "mailbox"),
            **environment,
        }

        def shell(code: str) -> str:
            result = subprocess.run(
                [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
                cwd=REPOSITORY,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, result.stderr[-2000:]
            return result.stdout.strip()

        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=REPOSITORY, env=env, check=True, timeout=300
        )
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker"]
                + ["--pool", pool, "--concurrency", "1", "--loglevel", "WARNING"],
                cwd=REPOSITORY,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        return shell

    yield start
    processes_stop(*workers)
    for url in databases:
        postgres_database_drop(server_url=server_url, url=url)


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3-compatible server (moto's), standing in for the bucket several machines share."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch):
    """Media in a private bucket, configured as production would be: through the MEDIA_S3_* variables."""
    bucket = f"letters-media-{free_port()}"
    credentials = {"MEDIA_S3_ACCESS_KEY_ID": "test-key", "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret"}
    for name, value in {
        "MEDIA_S3_BUCKET": bucket,
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_PREFIX": "media",
        **credentials,
    }.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["MEDIA_S3_SECRET_ACCESS_KEY"],
    )
    s3.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    settings.MEDIA_ROOT = "/nonexistent"  # nothing may fall back to the local disk

    def keys() -> list[str]:
        return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]

    return keys
