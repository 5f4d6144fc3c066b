"""A batch rendered by a real Celery worker (prefork pool, so its processes are daemonic) over redis."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CREATE = """
from django.contrib.auth.models import User
from campaign.models import Campaign, LetterTemplate
from printing.models import Group
from printing.services import batch_create
from printing.signers import SignerRow
from embassies.models import Office
campaign = Campaign.objects.create(slug="law-13673", title="Law 13673", target="Law 13673", sending_country="UA",
                                   from_email="letters@example.org")
template = LetterTemplate.objects.create(campaign=campaign, language="en", subject="A protest",
                                         body="{salutation},\\n\\nWe protest.", closing="Yours sincerely,")
for number, city in enumerate(["Praha", "Brno", "Ostrava"]):
    Office.objects.create(sending_country="UA", host_country="CZ", kind="consulate", head_title="consul",
                          name=f"Consulate of Ukraine in {city}", city=city, postcode="100 00", street_lines="Ulice 1")
group = Group.objects.create(name="Stall", country="CZ", city="Brno")
batch = batch_create(campaign=campaign, template=template, group=group, host_country="CZ", selected_offices=None,
                     signer_mode="signers", signers=[SignerRow("Anna", "Praha"), SignerRow("Petr", "Brno"),
                     SignerRow("Olena", "")])
print(batch.pk)
"""
STATUS = """
from printing.models import Batch
batch = Batch.objects.get()
print(batch.status, batch.letters_rendered, batch.pages, batch.pdf.path if batch.pdf else "-")
"""


def _local_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stopped(*processes) -> None:
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def run_django(tmp_path):
    """Django commands against a file database, with redis-server and a prefork Celery worker running."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (scripts/system-packages.sh test)")
    broker_port = _local_port()
    settings_env = dict(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        CELERY_TASK_ALWAYS_EAGER="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'print.sqlite3'}",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{broker_port}/0",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DEV_MAILBOX_DIR=str(tmp_path / "mailbox"),
    )
    environment = os.environ | settings_env
    python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
    broker = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(broker_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, check=True, timeout=300)
    # prefork: the pool's processes are daemonic, which is what the batch renderer's workers must cope with.
    celery = subprocess.Popen(
        [python, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1", "-l", "WARNING"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def shell(code: str) -> str:
        result = subprocess.run(
            [python, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout.strip()

    try:
        yield shell
    finally:
        _stopped(celery, broker)


def test_a_prefork_worker_renders_the_batch(run_django):
    run_django(CREATE)

    deadline = time.monotonic() + 120
    status = ""
    while time.monotonic() < deadline:
        status = run_django(STATUS)
        if status.split()[0] in ("generated", "failed"):
            break
        time.sleep(1)

    state, rendered, pages, pdf_path = status.split()
    assert (state, rendered, pages) == ("generated", "9", "11"), status
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")
