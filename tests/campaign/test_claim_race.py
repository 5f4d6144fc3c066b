"""The outbox's claim is atomic on the real database: threads that race for the same letters claim each one once.

Each thread has its own database connection (on SQLite a file with a busy timeout, see config/settings/test.py;
on PostgreSQL a session of its own), so the race happens in the database, not in Python.
"""

import random
import threading
from collections import Counter

from django.db import connection
from django.utils import timezone

import pytest

from campaign.models import Letter, LetterStatus
from campaign.services.outbox import letter_claim
from tests.factories import LetterFactory

LETTERS = 20
THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_racing_workers_claim_each_letter_exactly_once():
    letter_ids = [
        letter.pk
        for letter in LetterFactory.create_batch(
            LETTERS, status=LetterStatus.QUEUED, sent_at=None, queued_at=timezone.now()
        )
    ]
    start = threading.Barrier(THREADS, timeout=30)
    claims: Counter[int] = Counter()
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker(seed: int) -> None:
        order = letter_ids.copy()
        random.Random(seed).shuffle(order)  # noqa: S311  (an order, not a secret)
        try:
            start.wait()
            won = [letter_id for letter_id in order if letter_claim(letter_id=letter_id)]
            with lock:
                claims.update(won)
        except Exception as error:  # reported by the assertion below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    assert errors == []
    assert claims == Counter(letter_ids), "a letter was claimed twice, or not at all"
    rows = Letter.objects.filter(pk__in=letter_ids).values_list("status", "attempts")
    assert sorted(rows) == [(LetterStatus.SENDING, 1)] * LETTERS
