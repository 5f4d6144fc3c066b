"""Benchmark: the letter outbox against raw HTTP POSTs to the same ESP stub. Run: .venv/bin/python bench/outbox.py

The outbox: a migrated SQLite file, a real redis-server as the broker, one real Celery worker (prefork, concurrency
WORKER_CONCURRENCY, as tests/integration starts it) with config.settings.integration, and the fake Postmark of
tests/integration, served by a process of its own. Each run makes a fresh submission to LETTERS verified offices
through the project's services (submission_create, then submission_confirm, which queues the letters on commit)
and is timed from the confirmation until every letter is sent.
The baseline, the best simple way to send the same mail: WORKER_CONCURRENCY threads, each with a requests.Session,
POSTing LETTERS messages of the same JSON (one the outbox sent in this run) to the same stub. The stub keeps
connections open (HTTP/1.1, as Postmark does) and each run reports how many it was opened.
Runs alternate, REPEATS of each; the stub's counters are reset before every run.
The last line is: dispatch_ratio=X (baseline median time over outbox median time; higher is better, target >= 0.5)
"""

import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LETTERS = int(os.environ.get("BENCH_LETTERS", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
WORKER_CONCURRENCY = 2


def stub_serve() -> None:
    """The stub's own process: prints its URL, then answers commands on stdin (reset, count, connections, sample).

    It keeps connections open between requests (HTTP/1.1), as Postmark's API does, and counts the TCP connections
    it was opened since the last reset."""
    from tests.integration.fake_postmark import FakePostmark, PostmarkHandler

    opened = [0]

    class KeepAliveHandler(PostmarkHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes: with Nagle's algorithm the body would wait for the client's
        # delayed ACK (~40 ms) on a kept-alive connection, which no real API server makes its clients wait.
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            opened[0] += 1

    fake = FakePostmark()
    fake.server.RequestHandlerClass = KeepAliveHandler
    fake.start()
    print(fake.url, flush=True)
    for command in sys.stdin:
        command = command.strip()
        if command == "reset":
            fake.reset()
            opened[0] = 0
            print("ok", flush=True)
        elif command == "count":
            print(len(fake.letter_refs()), flush=True)
        elif command == "connections":
            print(opened[0], flush=True)
        elif command == "sample":
            with fake.lock:
                letters = [message for message in fake.accepted if "letter_ref" in message["Metadata"]]
            sample = dict(letters[-1]) if letters else {}
            sample.pop("MessageID", None)
            print(json.dumps(sample), flush=True)
    fake.stop()


class Stub:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--stub"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.url = self.process.stdout.readline().strip()

    def ask(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def worker_start(workdir: Path) -> subprocess.Popen:
    log = (workdir / "worker.log").open("w")
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--pool=prefork"]
        + ["-c", str(WORKER_CONCURRENCY), "-l", "warning", "--without-gossip", "--without-mingle"]
        + ["--without-heartbeat"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def offices_create():
    from campaign.models import Campaign, LetterTemplate
    from embassies.models import HeadTitle, Office, OfficeKind

    campaign = Campaign.objects.create(
        slug="bench", title="Bench", target="Law No. 13673", sending_country="UA", from_email="letters@example.org"
    )
    template = LetterTemplate.objects.create(
        campaign=campaign,
        language="en",
        subject="A protest",
        body="{salutation},\n\nCitizens of {host_country} write to you.\n\n" + "We ask you to act. " * 40,
        closing="Yours sincerely,",
    )
    Office.objects.bulk_create(
        Office(
            sending_country="UA",
            host_country="CZ",
            kind=OfficeKind.CONSULATE,
            head_title=HeadTitle.CONSUL,
            name=f"Consulate {index}",
            city=f"City {index}",
            email=f"office{index}@example.org",
            verified_on=datetime.date(2026, 1, 1),
        )
        for index in range(LETTERS)
    )
    return campaign, template, list(Office.objects.filter(host_country="CZ").order_by("pk"))


def outbox_run(*, campaign, template, offices, run: int) -> float:
    from campaign.models import Letter, LetterStatus
    from campaign.services import submission_confirm, submission_create
    from campaign.services.submissions import submission_confirm_token

    submission = submission_create(
        campaign=campaign,
        template=template,
        offices=offices,
        name="Jana Nováková",
        city="Brno",
        email=f"jana{run}@example.org",
        subject=template.subject,
        body=template.body,
        personal_paragraph="Why I write.",
        send_copy=False,
        interface_language="en",
    )
    letters = Letter.objects.filter(submission=submission)
    start = time.perf_counter()
    result = submission_confirm(token=submission_confirm_token(submission=submission), interface_language="en")
    if result.outcome.value != "confirmed":
        raise SystemExit(f"submission not confirmed: {result.outcome}")
    deadline = time.monotonic() + 600
    while letters.filter(status=LetterStatus.SENT).count() < len(offices):
        if time.monotonic() > deadline:
            raise SystemExit(f"letters not all sent: {dict(letters.values_list('status').annotate())}")
        time.sleep(0.05)
    return time.perf_counter() - start


def baseline_run(*, url: str, body: bytes) -> float:
    import requests

    from tests.integration.fake_postmark import SERVER_TOKEN

    headers = {"Content-Type": "application/json", "X-Postmark-Server-Token": SERVER_TOKEN}
    shares = [
        LETTERS // WORKER_CONCURRENCY + (index < LETTERS % WORKER_CONCURRENCY) for index in range(WORKER_CONCURRENCY)
    ]
    failures = []

    def send(count: int) -> None:
        with requests.Session() as session:
            for _ in range(count):
                response = session.post(f"{url}email", data=body, headers=headers, timeout=30)
                if response.status_code != 200:
                    failures.append(response.status_code)

    threads = [threading.Thread(target=send, args=(share,)) for share in shares]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"baseline: {len(failures)} POSTs failed")
    return elapsed


def main() -> None:
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not installed (scripts/system-packages.sh test)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    stub = Stub()
    from tests.processes import RedisServer

    redis_server = RedisServer(workdir).start()
    worker = None
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.integration",
        INTEGRATION_DB=str(workdir / "db.sqlite3"),
        CELERY_BROKER_URL=redis_server.url,
        POSTMARK_API_URL=stub.url,
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
    )
    os.environ.pop("DATABASE_URL", None)
    times: dict[str, list[float]] = {"outbox": [], "baseline": []}
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        campaign, template, offices = offices_create()
        worker = worker_start(workdir)
        # Warm-up, not timed: the worker's pool is up and has sent; the baseline gets the message it sent.
        stub.ask("reset")
        outbox_run(campaign=campaign, template=template, offices=offices[:20], run=-1)
        body = stub.ask("sample").encode()
        for repeat in range(REPEATS):
            for way in ("outbox", "baseline") if repeat % 2 == 0 else ("baseline", "outbox"):
                stub.ask("reset")
                if way == "outbox":
                    elapsed = outbox_run(campaign=campaign, template=template, offices=offices, run=repeat)
                else:
                    elapsed = baseline_run(url=stub.url, body=body)
                sent = int(stub.ask("count"))
                if sent != LETTERS:
                    raise SystemExit(f"{way}: the stub accepted {sent} letters, not {LETTERS}")
                times[way].append(elapsed)
                connections = stub.ask("connections")
                print(f"  run {repeat + 1}: {way} {elapsed:.2f} s, {connections} connections", file=sys.stderr)
    finally:
        if worker is not None:
            os.killpg(worker.pid, 15)
            worker.wait(timeout=30)
        redis_server.kill()
        stub.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"{LETTERS} letters to the fake Postmark: outbox (Redis, 1 Celery worker, concurrency {WORKER_CONCURRENCY}, "
        f"SQLite) vs {WORKER_CONCURRENCY} threads of raw POSTs ({len(body)} bytes each); {REPEATS} interleaved runs"
    )
    print(f"{'way':<9} {'min s':>7} {'median s':>9} {'max s':>7} {'letters/s':>10}")
    for way, values in times.items():
        median = statistics.median(values)
        print(f"{way:<9} {min(values):>7.2f} {median:>9.2f} {max(values):>7.2f} {LETTERS / median:>10.0f}")
    print(f"dispatch_ratio={statistics.median(times['baseline']) / statistics.median(times['outbox']):.2f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--stub"]:
        stub_serve()
    else:
        main()
