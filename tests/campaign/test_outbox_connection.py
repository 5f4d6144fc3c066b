"""One ESP connection per worker: letters sent through anymail's real Postmark backend reuse one keep-alive HTTP
connection, a dropped one is replaced, and no letter is lost or sent twice on the way. The ESP is a local server
that answers like Postmark's API and counts the TCP connections it was opened."""

import gc
import socket
import threading
import time
from http.server import ThreadingHTTPServer

import pytest
from celery.signals import worker_process_shutdown

from campaign.models import Letter, LetterStatus
from campaign.services.outbox import LetterSendTransientError, letter_send
from campaign.tasks import letter_send_task
from common import mail
from tests.integration.fake_postmark import SERVER_TOKEN, FakePostmark, PostmarkHandler

from .test_outbox_faults import queued

pytestmark = pytest.mark.django_db


class KeepAliveHandler(PostmarkHandler):
    """Postmark's API keeps connections open between requests (HTTP/1.1), unlike the integration tests' stub."""

    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with self.server.fake.lock:
            self.server.fake.opened += 1

    def handle_one_request(self):
        fake = self.server.fake
        if fake.drop_before_next_answer:
            # Read the request, let the fake accept it, then vanish without answering.
            self.wfile = _Discard()
            fake.drop_before_next_answer = False
            super().handle_one_request()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        super().handle_one_request()
        if fake.close_after_next_answer:
            fake.close_after_next_answer = False
            self.close_connection = True

    def finish(self):
        super().finish()
        with self.server.fake.lock:
            self.server.fake.closed += 1


class _Discard:
    closed = False

    def write(self, data):
        return len(data)

    def flush(self):
        pass


class CountingPostmark(FakePostmark):
    def __init__(self):
        super().__init__()
        self.server.server_close()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAliveHandler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.opened = 0
        self.closed = 0
        self.close_after_next_answer = False  # the ESP ends the connection after an answer (idle timeout, restart)
        self.drop_before_next_answer = False  # the ESP takes a letter and the connection breaks before it answers


@pytest.fixture
def postmark(settings):
    fake = CountingPostmark().start()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.LETTER_ESP_ADAPTER = "campaign.esp.postmark.PostmarkAdapter"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": SERVER_TOKEN, "POSTMARK_API_URL": fake.url}
    yield fake
    mail.mail_connections_close()
    fake.stop()


def eventually(check, timeout=5.0):
    """The socket really closes once the last response read from it is freed: anymail keeps the response on the
    message it sent (anymail_status.esp_response), often in a reference cycle."""
    deadline = time.monotonic() + timeout
    while not check():
        gc.collect()
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_letters_share_one_connection_to_the_esp(postmark):
    letters = [queued() for _ in range(8)]

    for letter in letters:
        letter_send_task.apply(args=[letter.pk])

    assert Letter.objects.filter(status=LetterStatus.SENT).count() == 8
    assert sorted(postmark.letter_refs()) == sorted(letter.reply_token for letter in letters)
    assert postmark.opened == 1


def test_a_connection_the_esp_closed_is_replaced_and_the_letters_go_once(postmark):
    letters = [queued() for _ in range(4)]
    letter_send_task.apply(args=[letters[0].pk])
    postmark.close_after_next_answer = True
    letter_send_task.apply(args=[letters[1].pk])
    assert eventually(lambda: postmark.closed == 1)

    for letter in letters[2:]:
        letter_send_task.apply(args=[letter.pk])

    assert Letter.objects.filter(status=LetterStatus.SENT).count() == 4
    assert sorted(postmark.letter_refs()) == sorted(letter.reply_token for letter in letters)
    assert postmark.opened == 2


def test_a_connection_broken_mid_letter_is_reopened_and_the_letter_is_not_sent_twice(postmark):
    letter, later = queued(), queued()
    postmark.drop_before_next_answer = True  # Postmark took it; the answer never came back

    with pytest.raises(LetterSendTransientError):
        letter_send(letter_id=letter.pk)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.QUEUED
    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT  # asked Postmark first: found, not resent
    assert letter_send(letter_id=later.pk) == LetterStatus.SENT

    assert postmark.letter_refs() == [letter.reply_token, later.reply_token]
    sent = Letter.objects.get(pk=letter.pk)
    assert sent.esp_message_id == postmark.find({"letter_ref": letter.reply_token})[0]["MessageID"]
    assert postmark.opened == 2  # the broken one, then one for everything after it


def test_an_esp_error_closes_the_connection_and_the_next_letter_opens_a_new_one(postmark):
    failing, later = queued(), queued()
    postmark.letter_failures_left = 1  # a 500

    with pytest.raises(LetterSendTransientError):
        letter_send(letter_id=failing.pk)
    assert letter_send(letter_id=later.pk) == LetterStatus.SENT

    assert eventually(lambda: postmark.closed == 1)
    assert postmark.opened == 2


def test_an_idle_connection_is_replaced_before_it_is_used(postmark, monkeypatch):
    first, second = queued(), queued()
    letter_send(letter_id=first.pk)
    monkeypatch.setattr(mail, "CONNECTION_IDLE_SECONDS", 0)

    letter_send(letter_id=second.pk)

    assert postmark.opened == 2
    assert eventually(lambda: postmark.closed == 1)


def test_a_stopping_worker_process_closes_its_connection(postmark):
    letter_send(letter_id=queued().pk)
    assert postmark.closed == 0

    worker_process_shutdown.send(sender=None, pid=0, exitcode=0)

    assert eventually(lambda: postmark.closed == 1)


def test_switching_the_backend_never_reuses_the_old_connection(postmark, settings, mailoutbox):
    letter_send(letter_id=queued().pk)
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"

    letter_send(letter_id=queued().pk)

    assert len(mailoutbox) == 1  # the second letter went to the new backend
    assert len(postmark.letter_refs()) == 1
    assert eventually(lambda: postmark.closed == 1)
