"""With Redis killed, pages still answer, the guards count in the database, letters are stored and confirmed,
and the emails the broker could not take are sent by the sweeps."""

import datetime
import shutil
import subprocess

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

import pytest
import redis

from campaign.models import Letter, LetterStatus, Submission
from campaign.services.supporter_mail import supporter_mail_sweep
from campaign.tasks import letters_sweep_task
from common.abuse import GuardUnavailable, pow_challenge_new, pow_solution_check, rate_limit_hit
from common.cache import CacheUnavailable
from common.models import GuardCount
from common.queueing import task_queue_now
from config.celery import app
from tests.processes import free_port, processes_stop, wait_for

from .conftest import confirm_link
from .test_abuse import solve

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def killable_redis(tmp_path, settings):
    """A real redis-server as the cache; the test kills it with `.kill()`."""
    assert shutil.which("redis-server"), "redis-server is not installed: run `make test`"
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/1"
    client = redis.Redis.from_url(url)

    def answers() -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    wait_for(answers, timeout=10, message="redis-server")
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    process.url = url
    yield process
    if process.poll() is None:
        processes_stop(process)


def kill(process: subprocess.Popen) -> None:
    process.kill()
    process.wait(timeout=10)


def test_the_cache_answers_like_an_empty_one_and_the_guards_count_in_the_database(killable_redis):
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    assert rate_limit_hit(scope="test", key="x", limit=2, window_seconds=60) is False

    kill(killable_redis)

    assert cache.get("greeting", "missed") == "missed"
    cache.set("greeting", "again")  # dropped, no error
    assert cache.get_or_set("figures", lambda: 42) == 42
    with pytest.raises(CacheUnavailable):
        cache.incr("counter")
    hits = [rate_limit_hit(scope="test", key="x", limit=2, window_seconds=60) for _ in range(3)]
    assert hits == [False, False, True]  # the limit still holds, counted in the database
    assert not GuardCount.objects.filter(key__contains="x").exists()  # keys are hashed
    challenge = pow_challenge_new()
    solution = solve(challenge)
    assert pow_solution_check(challenge=challenge, solution=solution) is True
    assert pow_solution_check(challenge=challenge, solution=solution) is False  # still one use only


def test_with_redis_down_a_letter_is_stored_and_its_confirmation_follows_by_the_sweep(
    client, killable_redis, broker_down, campaign, offices, letter_data, outbox, django_capture_on_commit_callbacks
):
    kill(killable_redis)
    assert client.get("/", follow=True).status_code == 200
    assert client.get(reverse("tracking:progress", args=[campaign.slug])).status_code == 200
    form_url = reverse("campaign:letter_form", args=[campaign.slug, "cz"])
    assert client.get(form_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, letter_data(action="email"))

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # "check your inbox"
    submission = Submission.objects.get()
    assert submission.confirmation_sent_at is None and outbox == []  # the broker could not take the task
    app.conf.task_always_eager = True  # the broker is back

    assert supporter_mail_sweep(now=timezone.now() + datetime.timedelta(minutes=3)) == 1

    assert len(outbox) == 1 and confirm_link(outbox[0])
    submission.refresh_from_db()
    assert submission.confirmation_sent_at is not None


def test_a_supporter_pdf_is_still_counted_and_rendered_with_redis_down(
    client, killable_redis, campaign, offices, letter_data, settings
):
    kill(killable_redis)
    settings.RATE_LIMIT_PDFS_PER_IP = 1
    url = reverse("printing:supporter_pdf", args=[campaign.slug, "cz"])

    first = client.post(url, letter_data(action="print"))
    second = client.post(url, letter_data(action="print"))

    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert second.status_code == 429  # the per-address limit still holds


def test_when_nothing_can_count_the_visitor_gets_a_clear_page(client, campaign, offices, letter_data, monkeypatch):
    def cannot_count(**kwargs):
        raise GuardUnavailable

    monkeypatch.setattr("printing.services.rate_limit_hit", cannot_count)
    url = reverse("printing:supporter_pdf", args=[campaign.slug, "cz"])

    response = client.post(url, letter_data(action="print"))

    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "Paused for a few minutes" in response.content.decode()


@pytest.fixture
def broker_down():
    """Celery as in production (not eager), with a broker that nobody answers."""
    before = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app._pool = None  # the producer pool connects to the broker_url of its creation time
    yield
    app.conf.task_always_eager, app.conf.broker_url = before
    app._pool = None


def test_confirming_while_the_broker_is_down_confirms_and_leaves_the_letters_for_the_sweep(
    client, campaign, offices, letter_data, outbox, django_capture_on_commit_callbacks, broker_down, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = True  # the confirmation email itself is sent before the broker goes away
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("campaign:letter_form", args=[campaign.slug, "cz"]), letter_data(action="email"))
    link = confirm_link(outbox[-1])
    app.conf.task_always_eager = False

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.QUEUED}


def test_queueing_reports_a_broker_that_is_down(broker_down):
    assert task_queue_now(letters_sweep_task) is False
