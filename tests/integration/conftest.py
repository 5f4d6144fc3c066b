"""Real services for the integration tests: a fake Postmark, Celery workers, a database every process shares.

The database: a SQLite file (copied from a migrated template) when the run is on SQLite; a PostgreSQL database
(CREATE DATABASE … TEMPLATE a migrated one) when the run's DATABASE_URL names PostgreSQL, as in `make test`'s
second pass. Either way each test has its own, migrated once per module, deleted after the test.
redis-server: one per module (`redis_server`, whose URL overrides tests/conftest.py's `redis_url`), which a test can
stop, as a crash would, and start again on the same port (`stack.redis_stop()`, `stack.redis_start()`).
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.databases import postgres_database_create, postgres_database_drop, postgres_rows, postgres_server_url
from tests.processes import RedisServer

from .fake_postmark import FakePostmark

REPO = Path(__file__).resolve().parent.parent.parent
CELERY = REPO / ".venv" / "bin" / "celery"
LETTERS_QUERY = "SELECT reply_token, status, attempts FROM campaign_letter"


class SqliteFile:
    """A SQLite file every process opens (WAL, busy timeout: config/settings/integration.py)."""

    def __init__(self, path: Path):
        self.path = path

    def environment(self) -> dict[str, str]:
        return {"INTEGRATION_DB": str(self.path)}

    def copy(self, folder: Path) -> "SqliteFile":
        path = folder / "db.sqlite3"
        shutil.copy(self.path, path)
        return SqliteFile(path)

    def rows(self, query: str) -> list[tuple]:
        with sqlite3.connect(self.path, timeout=30) as connection:
            return connection.execute(query).fetchall()

    def drop(self) -> None:
        """The file goes with the test's tmp_path."""


class PostgresDatabase:
    """A database of its own on the run's PostgreSQL server (scripts/with_postgres.py), which every process opens."""

    def __init__(self, *, server_url: str, url: str):
        self.server_url = server_url
        self.url = url

    @classmethod
    def create(cls, *, server_url: str, template: "PostgresDatabase | None" = None) -> "PostgresDatabase":
        url = postgres_database_create(
            server_url=server_url,
            prefix="integration_template" if template is None else "integration",
            template_url=None if template is None else template.url,
        )
        return cls(server_url=server_url, url=url)

    def environment(self) -> dict[str, str]:
        return {"DATABASE_URL": self.url}

    def copy(self, folder: Path) -> "PostgresDatabase":
        return PostgresDatabase.create(server_url=self.server_url, template=self)

    def rows(self, query: str) -> list[tuple]:
        return postgres_rows(self.url, query)

    def drop(self) -> None:
        postgres_database_drop(server_url=self.server_url, url=self.url)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed: run `make test` (scripts/system-packages.sh test)")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def redis_url(redis_server):
    """The Celery broker of the processes the module starts: its `redis_server`."""
    return redis_server.url


@pytest.fixture(scope="module")
def esp():
    fake = FakePostmark().start()
    yield fake
    fake.stop()


class Stack:
    """One test's world: its database, the environment every process shares, the workers it started."""

    def __init__(self, *, database: SqliteFile | PostgresDatabase, env: dict, logdir: Path, redis_server: RedisServer):
        self.database = database
        self.env = env
        self.logdir = logdir
        self.redis = redis_server
        self.redis_url = redis_server.url
        self.workers: list[subprocess.Popen] = []

    def redis_stop(self) -> None:
        """Broker (and anything else on that Redis) gone, as in a crash."""
        self.redis.kill()

    def redis_start(self) -> None:
        """Redis back on the same port, empty."""
        if not self.redis.running:
            self.redis.start()

    def driver(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "tests.integration.driver", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def worker_start(self, **environment: str) -> subprocess.Popen:
        """A Celery worker with the stack's environment, plus `environment` (e.g. LETTER_SEND_MAX_RETRIES="2")."""
        log = (self.logdir / f"worker-{len(self.workers)}.log").open("w")
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "-c",
                "2",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO,
            env={**self.env, **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(process)
        return process

    def worker_kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool children at once, as a crash or OOM kill would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def worker_stop_all(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)

    def letters(self) -> dict[str, tuple[str, int]]:
        """reply_token → (status, attempts), read straight from the shared database."""
        return {token: (status, attempts) for token, status, attempts in self.database.rows(LETTERS_QUERY)}

    def worker_logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-4000:] for path in sorted(self.logdir.glob("*.log")))


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory, redis_url, esp):
    """Migrate once per module; every test gets a copy."""
    folder = tmp_path_factory.mktemp("db")
    server_url = postgres_server_url()
    if server_url:
        template = PostgresDatabase.create(server_url=server_url)
    else:
        template = SqliteFile(folder / "template.sqlite3")
    env = integration_env(database=template, folder=folder, redis_url=redis_url, esp=esp)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tests.integration.driver", "migrate"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        yield template
    finally:
        template.drop()


def integration_env(
    *, database: SqliteFile | PostgresDatabase, folder: Path, redis_url: str, esp: FakePostmark
) -> dict:
    inherited = {key: value for key, value in os.environ.items() if key not in ("INTEGRATION_DB", "DATABASE_URL")}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.integration",
        **database.environment(),
        "CELERY_BROKER_URL": redis_url,
        "POSTMARK_API_URL": esp.url,
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def stack(tmp_path, migrated_db, redis_server, esp):
    database = migrated_db.copy(tmp_path)
    world = Stack(
        database=database,
        env=integration_env(database=database, folder=tmp_path, redis_url=redis_server.url, esp=esp),
        logdir=tmp_path,
        redis_server=redis_server,
    )
    try:
        world.redis_start()  # an earlier test may have left it stopped
        redis.Redis.from_url(redis_server.url).flushdb()
        esp.reset()
        yield world
    finally:
        world.redis_start()  # a worker stops cleanly only with its broker there
        world.worker_stop_all()
        database.drop()
