"""With Redis killed, pages still answer; forms say clearly that they are paused; confirmed letters stay queued."""

import shutil
import subprocess

from django.core.cache import cache
from django.urls import reverse

import pytest
import redis

from campaign.models import Letter, LetterStatus, Submission
from campaign.tasks import letters_sweep_task
from common.abuse import GuardUnavailable, rate_limit_hit
from common.cache import CacheUnavailable
from common.queueing import task_queue_now
from config.celery import app
from tests.processes import free_port, processes_stop, wait_for

from .conftest import confirm_link

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


def test_the_cache_answers_like_an_empty_one_while_redis_is_down(killable_redis):
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    assert rate_limit_hit(scope="test", key="x", limit=5, window_seconds=60) is False

    kill(killable_redis)

    assert cache.get("greeting", "missed") == "missed"
    cache.set("greeting", "again")  # dropped, no error
    assert cache.get_or_set("figures", lambda: 42) == 42
    with pytest.raises(CacheUnavailable):
        cache.incr("counter")
    with pytest.raises(GuardUnavailable):
        rate_limit_hit(scope="test", key="x", limit=5, window_seconds=60)


def test_pages_answer_and_the_email_form_says_it_is_paused(client, killable_redis, campaign, offices, letter_data):
    kill(killable_redis)

    assert client.get("/", follow=True).status_code == 200
    assert client.get(reverse("tracking:progress", args=[campaign.slug])).status_code == 200
    form_url = reverse("campaign:letter_form", args=[campaign.slug, "cz"])
    assert client.get(form_url).status_code == 200

    response = client.post(form_url, letter_data(action="email"))

    assert response.status_code == 503
    page = response.content.decode()
    assert "Sending by email is paused for a few minutes" in page
    assert "My neighbour fled the draft" in page  # what the supporter wrote is still there
    assert not Submission.objects.exists()


def test_a_count_that_cannot_be_guarded_gets_a_clear_page(client, killable_redis, campaign, offices, letter_data):
    kill(killable_redis)
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
