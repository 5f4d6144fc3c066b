"""Operations: production settings refuse development defaults, /healthz tells what fails, logs are UTC lines."""

import json
import logging
import os
import secrets
import subprocess
import sys

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

import pytest

from common.checks import production_settings_enforce
from common.health import health_report
from common.log_format import UtcLineFormatter
from tests.conftest import REPOSITORY
from tests.processes import free_port

COMPLETE_PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "letters.campaign.test",
    "SITE_URL": "https://letters.campaign.test",
    "DEFAULT_FROM_EMAIL": "letters@campaign.test",
    "REPLY_DOMAIN": "reply.campaign.test",
    "ANYMAIL_WEBHOOK_SECRET": "postmark:" + secrets.token_urlsafe(24),
    "POSTMARK_SERVER_TOKEN": "a-server-token",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SITE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPOSITORY,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_with_a_complete_environment_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=COMPLETE_PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("left_out", "check_id"),
    [
        ("SITE_URL", "common.E002"),
        ("DEFAULT_FROM_EMAIL", "common.E003"),
        ("REPLY_DOMAIN", "common.E004"),
        ("POSTMARK_SERVER_TOKEN", "common.E006"),
        ("DJANGO_ALLOWED_HOSTS", "common.E007"),
    ],
)
def test_a_production_default_left_in_place_fails_the_deploy_check(left_out, check_id):
    environment = {key: value for key, value in COMPLETE_PRODUCTION.items() if key != left_out}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=environment)
    assert result.returncode != 0
    assert check_id in result.stderr + result.stdout


def test_a_short_secret_key_fails_the_deploy_check():
    result = manage("check", "--deploy", env={**COMPLETE_PRODUCTION, "DJANGO_SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "common.E005" in result.stderr + result.stdout


def test_a_command_without_settings_never_runs_the_development_settings():
    result = manage("check", env={})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_hsts_is_on_by_default_in_production():
    code = (
        "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=COMPLETE_PRODUCTION)
    assert result.stdout.split() == ["31536000", "True"], result.stderr


def test_production_processes_refuse_to_start_on_defaults(settings):
    settings.DEBUG = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    with pytest.raises(ImproperlyConfigured, match="common.E002"):
        production_settings_enforce()

    settings.SITE_URL = "https://letters.campaign.test"
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.DEFAULT_FROM_EMAIL = "letters@campaign.test"
    settings.REPLY_DOMAIN = "reply.campaign.test"
    production_settings_enforce()
    assert not [message for message in checks.run_checks(include_deployment_checks=True) if message.is_serious()]


def test_a_celery_worker_on_production_defaults_refuses_to_start():
    environment = {**COMPLETE_PRODUCTION, "SITE_URL": "http://127.0.0.1:8000"}
    environment["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SITE_URL"))}
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=REPOSITORY,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "common.E002" in result.stderr


@pytest.mark.django_db
def test_health_is_ok_when_every_part_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failing": [],
        "parts": {"database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_names_the_database_when_it_is_down():
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{free_port()}/nothing",
    }
    code = "import json; from common.health import health_report; print(json.dumps(health_report()))"
    result = manage("shell", "--no-imports", "-c", code, env=environment)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["database"] == "failing"


@pytest.mark.django_db
def test_health_names_redis_when_it_is_down(client, settings):
    dead = f"redis://127.0.0.1:{free_port()}/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert health_report()["database"] == "ok"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    code = (
        "from django.db import connection\n"
        "cursor = connection.cursor()\n"
        "cursor.execute('PRAGMA journal_mode')\n"
        "print(cursor.fetchone()[0], connection.settings_dict['OPTIONS']['timeout'])"
    )
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = manage("shell", "--no-imports", "-c", code, env=environment)
    assert result.stdout.split() == ["wal", "20"], result.stderr


@pytest.mark.parametrize("as_json", [False, True])
def test_log_lines_carry_a_utc_timestamp(as_json):
    record = logging.LogRecord("campaign.services.outbox", logging.INFO, __file__, 1, "letter %s sent", (7,), None)
    line = UtcLineFormatter(json=as_json).format(record)
    if as_json:
        fields = json.loads(line)
        assert fields["time"].endswith("+00:00") and fields["message"] == "letter 7 sent"
    else:
        assert line.startswith("time=") and "+00:00 level=INFO logger=campaign.services.outbox" in line
        assert line.endswith('message="letter 7 sent"')


def test_database_connections_are_checked_before_reuse():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
