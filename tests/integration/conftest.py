"""Real services for the integration tests: a fake Postmark, Celery workers, a shared SQLite file.

redis-server (`redis_url`) comes from tests/conftest.py.
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

from .fake_postmark import FakePostmark

REPO = Path(__file__).resolve().parent.parent.parent
CELERY = REPO / ".venv" / "bin" / "celery"


@pytest.fixture(scope="module")
def esp():
    fake = FakePostmark().start()
    yield fake
    fake.stop()


class Stack:
    """One test's world: its SQLite file, the environment every process shares, the workers it started."""

    def __init__(self, *, db_path: Path, env: dict, logdir: Path, redis_url: str):
        self.db_path = db_path
        self.env = env
        self.logdir = logdir
        self.redis_url = redis_url
        self.workers: list[subprocess.Popen] = []

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

    def worker_start(self) -> subprocess.Popen:
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
            env=self.env,
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
        """reply_token → (status, attempts), read straight from the shared file."""
        with sqlite3.connect(self.db_path, timeout=30) as connection:
            rows = connection.execute("SELECT reply_token, status, attempts FROM campaign_letter").fetchall()
        return {token: (status, attempts) for token, status, attempts in rows}

    def worker_logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-4000:] for path in sorted(self.logdir.glob("*.log")))


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory, redis_url, esp):
    """Migrate once; every test copies the file."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    env = integration_env(db_path=path, redis_url=redis_url, esp=esp)
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.driver", "migrate"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return path


def integration_env(*, db_path: Path, redis_url: str, esp: FakePostmark) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.integration",
        "INTEGRATION_DB": str(db_path),
        "CELERY_BROKER_URL": redis_url,
        "POSTMARK_API_URL": esp.url,
        "DJANGO_MEDIA_ROOT": str(db_path.parent / "media"),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def stack(tmp_path, migrated_db, redis_url, esp):
    db_path = tmp_path / "db.sqlite3"
    shutil.copy(migrated_db, db_path)
    redis.Redis.from_url(redis_url).flushdb()
    esp.reset()
    world = Stack(
        db_path=db_path,
        env=integration_env(db_path=db_path, redis_url=redis_url, esp=esp),
        logdir=tmp_path,
        redis_url=redis_url,
    )
    yield world
    world.worker_stop_all()
