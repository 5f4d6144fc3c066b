"""Production smoke test: one letter end to end through the production stack, on loopback.

Run by `make smoke`, inside scripts/with_postgres.py (which provides DATABASE_URL). Starts redis-server, a
local server that answers like Postmark's API, gunicorn, a Celery worker and Celery beat, all with the
production settings; then, as a supporter and as the ESP would:
  1. submits the letter form (email channel),
  2. confirms through the link in the confirmation email,
  3. waits until the worker has sent the letters,
  4. posts the ESP's delivery webhook,
  5. sees the delivery on the progress page,
  6. posts an inbound reply and waits until it is forwarded to the supporter.
Exits 0 when every step holds, 1 with the failing step and the processes' logs otherwise.
"""

import base64
import html.parser
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from tests.integration.fake_postmark import SERVER_TOKEN, FakePostmark  # noqa: E402
from tests.postmark_payloads import delivery_event, inbound_reply  # noqa: E402
from tests.processes import free_port, processes_stop, wait_for  # noqa: E402

HOST = "letters.smoke.test"
SUPPORTER = "smoke-supporter@campaign.smoke.test"
WEBHOOK_USER, WEBHOOK_PASSWORD = "postmark", secrets.token_urlsafe(16)
VENV_BIN = Path(sys.executable).parent


class FormFields(html.parser.HTMLParser):
    """The values a browser would post from the letter form: inputs, checked boxes, textareas, selects."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "button"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)


def form_errors(page: str) -> list[str]:
    return re.findall(r'class="errorlist[^>]*>(.*?)</ul>', page, re.S)


def environment(*, redis_url: str, esp: FakePostmark, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "DEFAULT_FROM_EMAIL": "letters@campaign.smoke.test",
        "REPLY_DOMAIN": "reply.smoke.test",
        "ANYMAIL_WEBHOOK_SECRET": f"{WEBHOOK_USER}:{WEBHOOK_PASSWORD}",
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "LETTER_ESP_ADAPTER": "campaign.esp.postmark.PostmarkAdapter",
        "POSTMARK_SERVER_TOKEN": SERVER_TOKEN,
        "POSTMARK_API_URL": esp.url,
        "CELERY_BROKER_URL": f"{redis_url}/0",
        "REDIS_CACHE_URL": f"{redis_url}/1",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        # Plain HTTP on loopback: the "proxy" is this script, which says https with X-Forwarded-Proto.
        "DJANGO_SECURE_COOKIES": "false",
        "FORM_MIN_FILL_SECONDS": "0",
        "LETTER_RETRY_BACKOFF_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }


class Smoke:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.esp = FakePostmark().start()
        redis_port = free_port()
        self.start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""])
        self.env = environment(redis_url=f"redis://127.0.0.1:{redis_port}", esp=self.esp, workdir=workdir)
        self.web_port = free_port()
        self.http = requests.Session()
        self.http.headers.update({"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"})

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        log = self.workdir / f"{name}.log"
        self.logs.append(log)
        self.processes.append(
            subprocess.Popen(
                command, cwd=REPOSITORY, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
            )
        )

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPOSITORY,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.web_port}{path}"

    def stop(self) -> None:
        processes_stop(*reversed(self.processes))
        self.esp.stop()

    # The stack

    def prepare(self) -> None:
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("import_offices", "embassies/sample/offices.csv")
        self.manage("load_sample_campaign")
        self.manage(
            "shell",
            "--no-imports",
            "-c",
            "from embassies.models import Office; from embassies.services import offices_mark_verified; "
            "offices_mark_verified(offices=Office.objects.filter(host_country='CZ').exclude(email=''), "
            "verified_by='smoke test')",
        )

    def serve(self) -> None:
        gunicorn_env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.web_port}", "WEB_CONCURRENCY": "2"}
        self.start("gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"], gunicorn_env)
        celery = [str(VENV_BIN / "celery"), "-A", "config"]
        self.start("worker", [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"], self.env)
        self.start("beat", [*celery, "beat", "--loglevel", "INFO", "-s", str(self.workdir / "beat-schedule")], self.env)
        wait_for(self.healthy, timeout=90, message="/healthz answering 200 (web, database, Redis and a worker)")

    def healthy(self) -> bool:
        try:
            return self.http.get(self.url("/healthz"), timeout=5).status_code == 200
        except requests.RequestException:
            return False

    # One letter

    def letter_submit(self) -> None:
        form_path = "/en/c/law-13673/cz/"
        page = self.http.get(self.url(form_path), timeout=30)
        assert page.status_code == 200, f"letter form: {page.status_code}"
        parser = FormFields()
        parser.feed(page.text[page.text.index('class="letter-form') :])  # the form's classes may grow
        fields = [(name, value) for name, value in parser.fields if name not in ("name", "email", "city", "action")]
        fields += [("name", "Smoke Supporter"), ("city", "Brno"), ("email", SUPPORTER), ("action", "email")]
        assert any(name == "offices" for name, _value in fields), "no office is preselected on the letter form"
        response = self.http.post(
            self.url(form_path),
            data=fields,
            headers={"Referer": f"https://{HOST}{form_path}"},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302 and "check-your-inbox" in response.headers["Location"], (
            f"submitting the form: {response.status_code} {form_errors(response.text)}"
        )

    def to_supporter(self, subject_part: str) -> list[dict]:
        return [
            message
            for message in self.esp.accepted
            if SUPPORTER in message.get("To", "") and subject_part in message.get("Subject", "")
        ]

    def letter_confirm(self) -> None:
        confirmation = wait_for(lambda: self.to_supporter("confirm"), timeout=60, message="the confirmation email")
        link = re.search(rf"https://{re.escape(HOST)}(/\w+/c/[^\s]+/confirm/[^\s]+/)", confirmation[0]["TextBody"])
        assert link, "no confirmation link in the email"
        # The link opens a page with one button; only its POST confirms (mail scanners open links too).
        page = self.http.get(self.url(link.group(1)), timeout=30)
        assert page.status_code == 200, f"confirmation page: {page.status_code}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no form on the confirmation page"
        response = self.http.post(
            self.url(link.group(1)),
            data={"csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"https://{HOST}{link.group(1)}"},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, f"confirming: {response.status_code}"

    def letters_sent(self) -> list[dict]:
        def letters() -> list[dict]:
            return [message for message in list(self.esp.accepted) if message["Metadata"].get("letter_ref")]

        return wait_for(letters, timeout=90, message="the worker sending the letters")

    def webhook(self, path: str, payload: dict) -> requests.Response:
        token = base64.b64encode(f"{WEBHOOK_USER}:{WEBHOOK_PASSWORD}".encode()).decode()
        return self.http.post(
            self.url(path),
            data=json.dumps(payload),
            headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"},
            timeout=30,
        )

    def delivery_report(self, letter: dict) -> None:
        event = delivery_event(
            message_id=letter["MessageID"], recipient=letter["To"], letter_ref=letter["Metadata"]["letter_ref"]
        )
        response = self.webhook("/webhooks/anymail/postmark/tracking/", event)
        assert response.status_code == 200, f"delivery webhook: {response.status_code}"

    def progress_count(self, channel_label: str) -> int:
        """The total the public progress page shows for one channel."""
        page = self.http.get(self.url("/en/progress/law-13673/"), timeout=30)
        found = re.search(rf'<th scope="row">{channel_label}</th><td>(\d+)</td>', page.text)
        if page.status_code != 200 or found is None:
            raise AssertionError(f"progress page: {page.status_code}, no total for {channel_label}")
        return int(found.group(1))

    def progress_shows_delivery(self, *, before: int) -> None:
        wait_for(
            lambda: self.progress_count("Email delivered") == before + 1,
            timeout=90,
            message="the progress page counting the delivered email",
        )

    def reply_forwarded(self, letter: dict) -> None:
        reply = inbound_reply(token=letter["Metadata"]["letter_ref"], reply_domain="reply.smoke.test")
        response = self.webhook("/webhooks/anymail/postmark/inbound/", reply)
        assert response.status_code == 200, f"inbound webhook: {response.status_code}"
        forwarded = wait_for(
            lambda: self.to_supporter("Reply from"), timeout=60, message="the reply forwarded to the supporter"
        )
        if "passed it on to Kyiv" not in forwarded[0]["TextBody"]:
            raise AssertionError("the forwarded email does not carry the embassy's reply")


def step(name: str, action: Callable[[], Any]) -> Any:
    started = time.monotonic()
    result = action()
    print(f"ok  {name} ({time.monotonic() - started:.1f} s)", flush=True)
    return result


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Run me through scripts/with_postgres.py: DATABASE_URL must point at PostgreSQL.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="letters-smoke-") as folder:
        smoke = Smoke(Path(folder))
        try:
            step("migrate, collect static files, load the sample directory and campaign", smoke.prepare)
            step("start gunicorn, a Celery worker and beat with the production settings", smoke.serve)
            step("1. submit the letter form", smoke.letter_submit)
            step("2. confirm through the emailed link", smoke.letter_confirm)
            letters = step("3. the worker sends the letters through the ESP", smoke.letters_sent)
            delivered_before = smoke.progress_count("Email delivered")
            step("4. the ESP reports a delivery", lambda: smoke.delivery_report(letters[0]))
            step("5. the progress page counts it", lambda: smoke.progress_shows_delivery(before=delivered_before))
            step("6. an embassy's reply is forwarded to the supporter", lambda: smoke.reply_forwarded(letters[0]))
        except AssertionError as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            for log in smoke.logs:
                print(f"----- {log.name} -----\n{log.read_text(errors='replace')[-4000:]}", file=sys.stderr)
            return 1
        finally:
            smoke.stop()
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
