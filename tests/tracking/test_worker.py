"""End to end on real parts: redis-server, a Celery worker, and the inbound webhook in a Django process.

A reply posted to the webhook is forwarded by the worker; the periodic survey task sends its one email.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from .test_inbound import GOOD_AUTH, POSTMARK_INBOUND

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import datetime
from django.utils import timezone
from campaign.models import Campaign, Letter, Submission
from embassies.models import Office
campaign = Campaign.objects.create(slug="law-13673", title="Law 13673", target="Law 13673", sending_country="UA",
                                   from_email="letters@example.org")
office = Office.objects.create(sending_country="UA", host_country="CZ", kind="consulate_general", head_title="consul_general",
                               name="Consulate General of Ukraine in Brno", city="Brno", email="brno@example.org",
                               verified_on=datetime.date(2026, 1, 1))
submission = Submission.objects.create(campaign=campaign, language="en", email="supporter@example.net", sender_hash="h",
                                       confirmed_at=timezone.now())
letter = Letter.objects.create(submission=submission, campaign=campaign, office=office, sender_hash="h", status="sent",
                               sent_at=timezone.now() - datetime.timedelta(days=20))
print(letter.reply_token)
"""
INBOUND = """
from pathlib import Path
from django.test import Client
response = Client().post("/webhooks/anymail/postmark/inbound/", data=Path(%r).read_text(),
                         content_type="application/json", HTTP_AUTHORIZATION=%r)
print(response.status_code)
"""
SURVEY = """
from tracking.tasks import reply_survey_send_due_task
reply_survey_send_due_task.delay()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def stack(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (scripts/system-packages.sh test)")
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEV_MAILBOX_DIR": str(tmp_path / "mailbox"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "ANYMAIL_WEBHOOK_SECRET": "test:test-webhook-secret",
    }
    python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable

    def django(code: str) -> str:
        done = subprocess.run(
            [python, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    worker = subprocess.Popen(
        [python, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield django, tmp_path / "mailbox"
    finally:
        for process in (worker, redis):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_mail(mailbox: Path, count: int, timeout: float = 60) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mailbox.glob("*.eml")) if mailbox.exists() else []
        if len(files) >= count:
            return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
        time.sleep(0.3)
    raise AssertionError(f"expected {count} emails in {mailbox}, found {len(files)}")


def test_reply_is_forwarded_and_survey_sent_by_a_real_worker(stack, tmp_path):
    django, mailbox = stack
    token = django(SETUP)
    payload = tmp_path / "inbound.json"
    payload.write_text(json.dumps(POSTMARK_INBOUND).replace("TOKEN", token))

    assert django(INBOUND % (str(payload), GOOD_AUTH)) == "200"
    assert django(INBOUND % (str(payload), GOOD_AUTH)) == "200"  # Postmark retried: nothing new happens

    forwarded = _wait_for_mail(mailbox, 1)[0]
    assert forwarded["To"] == "supporter@example.net"
    assert "passed it on to Kyiv" in forwarded.get_body(("plain",)).get_content()

    django(SURVEY)
    django(SURVEY)  # the periodic task runs again: the supporter is not asked twice
    _wait_for_mail(mailbox, 2)
    time.sleep(2)  # room for a wrong third email to arrive
    messages = _wait_for_mail(mailbox, 2)
    assert len(messages) == 2
    assert [message["Subject"] for message in messages].count("Did the embassy reply?") == 1
