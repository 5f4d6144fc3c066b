"""Faults with a real Redis, a real Celery worker and the local Postmark stand-in that injects them.

Each scenario ends with every letter sent exactly once (or visibly failed, when the outage outlives the age cap)
and every confirmation email at the ESP:
- the ESP is down for longer than the send task's retries, then recovers (and: down past the age cap);
- the broker is down when the form is posted;
- the worker is killed while the ESP holds its answer to a confirmation email;
- Redis is down when the supporter confirms;
- a soft bounce, then a delivery;
- a delivery reported before the worker recorded "sent".

The integration settings keep the cache in each process's memory (base.py's LocMemCache; only production puts it
on Redis), so Redis here is the broker alone: a form posted while it is down is stored, and its confirmation email
waits for the supporter-mail sweep. (With the cache on the same Redis the form would answer "paused" and store
nothing: tests/campaign/test_redis_down.py.)
"""

import datetime
import json
import time
from collections import Counter

import pytest

from tests.postmark_payloads import delivery_event
from tests.processes import wait_for

pytestmark = pytest.mark.integration

FIRST_OFFICE = "office0@example.org"  # driver.campaign_with_offices
# The send task gives up after 3 attempts, 1 s then 2 s apart (the integration settings' backoff), and leaves the
# letter to the sweep after a pause of LETTER_RETRY_BACKOFF_MAX_SECONDS (2 s), doubled each round.
QUICK_RETRIES = {"LETTER_SEND_MAX_RETRIES": "2"}
ATTEMPTS_PER_ROUND = 3


# --- waiting, and reading the shared database (the driver answers with the state after each of its commands) -----


def eventually(stack, condition, what: str, timeout: float = 60):
    """Wait for the condition; on a timeout, say what the workers logged by then."""
    try:
        return wait_for(condition, timeout=timeout, message=what)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{stack.worker_logs()}") from None


def driver(stack, *args: str) -> dict:
    return json.loads(stack.driver(*args))


def letter_rows(stack) -> list[tuple]:
    """(reply_token, status, attempts, waits for the sweep, sent_at recorded) of each letter."""
    return stack.database.rows(
        "SELECT reply_token, status, attempts, next_attempt_at IS NOT NULL, sent_at IS NOT NULL FROM campaign_letter"
    )


def statuses(stack) -> set[str]:
    return {status for _token, status, *_rest in letter_rows(stack)}


def all_sent(stack, count: int) -> bool:
    letters = stack.letters()
    return len(letters) == count and all(status == "sent" for status, _attempts in letters.values())


def confirmation_email_state(stack) -> tuple[bool, bool]:
    """(claimed, sent) of the one submission's confirmation email."""
    [(claimed, sent)] = stack.database.rows(
        "SELECT confirmation_claimed_at IS NOT NULL, confirmation_sent_at IS NOT NULL FROM campaign_submission"
    )
    return bool(claimed), bool(sent)


def contacts(stack) -> dict[str, int]:
    return dict(stack.database.rows("SELECT channel, COUNT(*) FROM campaign_contactevent GROUP BY channel"))


def moment(value: datetime.datetime | str) -> datetime.datetime:
    """A timestamp as the database returns it: a datetime (PostgreSQL), or UTC text (SQLite)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def assert_each_letter_arrived_exactly_once(stack, esp, count: int) -> None:
    letters = stack.letters()
    arrivals = Counter(esp.letter_refs())
    assert len(letters) == count
    assert set(arrivals) == set(letters), "a letter is missing at the ESP, or the ESP got one we do not know"
    assert max(arrivals.values()) == 1, f"sent twice: {[ref for ref, n in arrivals.items() if n > 1]}"
    assert {status for status, _attempts in letters.values()} == {"sent"}


# --- the supporter's side -----------------------------------------------------------------------------------------


def confirm_link(message: dict) -> str:
    for line in message["TextBody"].splitlines():
        if "/confirm/" in line:
            return line.strip()
    raise AssertionError("no confirmation link in the email")


def form_posted_and_stored(stack, count: int) -> None:
    posted = driver(stack, "form", str(count))
    assert posted["status"] == 302 and "/check-your-inbox/" in posted["location"], posted
    assert not posted["paused"] and len(posted["submissions"]) == 1
    assert {letter["status"] for letter in posted["letters"]} == {"pending"}


def confirm_and_send(stack, esp, *, link: str, count: int) -> None:
    """The supporter confirms with the emailed link; each letter then reaches the ESP exactly once."""
    confirmed = driver(stack, "confirm", link)
    assert confirmed["status"] == 302 and confirmed["page_status"] == 200, confirmed
    eventually(stack, lambda: all_sent(stack, count), f"{count} letters sent")
    assert_each_letter_arrived_exactly_once(stack, esp, count)


# --- Postmark's webhooks ------------------------------------------------------------------------------------------


def soft_bounce_event(*, message_id: str, email: str, letter_ref: str) -> dict:
    """https://postmarkapp.com/developer/webhooks/bounce-webhook: a full mailbox, "try again later"."""
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "SoftBounce",
        "TypeCode": 4096,
        "Name": "Soft bounce",
        "Tag": "letter",
        "MessageID": message_id,
        "Metadata": {"letter_ref": letter_ref},
        "ServerID": 23,
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;452 4.2.2 mailbox full",
        "Email": email,
        "From": "letters@example.org",
        "BouncedAt": "2026-11-24T16:30:01Z",
        "DumpAvailable": False,
        "Inactive": False,
        "CanActivate": True,
        "Subject": "A protest",
    }


def webhook(stack, payload: dict) -> dict:
    """Post the event to the app; the state after it."""
    answer = driver(stack, "webhook", json.dumps(payload))
    assert answer["status"] == 200, answer.get("error")
    return answer


# --- the ESP is down ------------------------------------------------------------------------------------------------

RETRY_QUERY = "SELECT reply_token, status, attempts, queued_at, next_attempt_at, failure_reason FROM campaign_letter"


def waiting_for_the_sweep(stack, *, count: int, attempts: int, before: dict | None = None) -> list[tuple] | None:
    """The letters, once each is queued after `attempts` attempts with a next attempt (another than `before`)."""
    rows = stack.database.rows(RETRY_QUERY)
    ready = len(rows) == count and all(
        status == "queued" and tries == attempts and next_at and (before is None or next_at != before[token])
        for token, status, tries, _queued, next_at, _reason in rows
    )
    return rows if ready else None


def pauses(rows: list[tuple]) -> list[float]:
    """Seconds from each letter's release to the queue to the sweep's next attempt."""
    return [(moment(next_at) - moment(queued)).total_seconds() for _t, _s, _a, queued, next_at, _r in rows]


def sleep_past_next_attempts(rows: list[tuple]) -> None:
    latest = max(moment(next_at) for _t, _s, _a, _q, next_at, _r in rows)
    time.sleep(max(0.0, latest.timestamp() - time.time()) + 0.3)


def test_esp_down_longer_than_the_retries_then_back_each_letter_sent_exactly_once(stack, esp):
    esp.down = True
    stack.worker_start(**QUICK_RETRIES)
    stack.driver("letters", "3")

    # Round 1: the task's own retries are spent; the letters wait, queued, for the sweep.
    first = eventually(
        stack,
        lambda: waiting_for_the_sweep(stack, count=3, attempts=ATTEMPTS_PER_ROUND),
        "letters back in the queue after the task's retries",
    )
    assert all("500" in reason for *_rest, reason in first), first  # the ESP's answer, for the organisers
    assert all(1.5 <= pause <= 2.5 for pause in pauses(first)), first
    assert esp.letter_refs() == []

    # Round 2: the sweep tries again once the pause is over; the ESP is still down; the next pause is longer.
    sleep_past_next_attempts(first)
    assert driver(stack, "sweep")["requeued"] == 3
    second = eventually(
        stack,
        lambda: waiting_for_the_sweep(
            stack, count=3, attempts=2 * ATTEMPTS_PER_ROUND, before={row[0]: row[4] for row in first}
        ),
        "a second round of attempts",
    )
    assert all(3.5 <= pause <= 4.5 for pause in pauses(second)), second

    # The ESP is back: the next sweep sends each letter, once.
    esp.down = False
    sleep_past_next_attempts(second)
    assert driver(stack, "sweep")["requeued"] == 3

    eventually(stack, lambda: all_sent(stack, 3), "3 letters sent")
    assert_each_letter_arrived_exactly_once(stack, esp, 3)
    finished = stack.database.rows("SELECT attempts, failure_reason FROM campaign_letter")
    assert set(finished) == {(2 * ATTEMPTS_PER_ROUND + 1, "")}
    assert contacts(stack) == {"email_sent": 3}


def test_esp_down_past_the_age_cap_each_letter_fails_visibly_and_none_is_sent(stack, esp):
    esp.down = True
    stack.worker_start(**QUICK_RETRIES, LETTER_RETRY_MAX_AGE_HOURS="0")
    stack.driver("letters", "3")

    eventually(stack, lambda: statuses(stack) == {"failed"}, "letters failed")

    esp.down = False
    swept = driver(stack, "sweep")
    assert swept["requeued"] == 0  # a failed letter is final: the sweep leaves it (an organiser may requeue it)
    assert len(swept["letters"]) == 3
    for letter in swept["letters"]:
        assert letter["status"] == "failed"
        assert letter["failure_reason"].startswith(f"Gave up after {ATTEMPTS_PER_ROUND} attempts in 0 hours."), letter
        assert "500" in letter["failure_reason"], letter  # the ESP's answer, for the organisers
        assert letter["sent_at"] is None and letter["esp_message_id"] == ""
    assert esp.letter_refs() == []


# --- the broker, the worker, Redis ----------------------------------------------------------------------------------


def test_broker_down_at_form_post_stores_the_submission_and_the_sweep_sends_the_confirmation_once(stack, esp):
    stack.redis_stop()

    # The cache is not on Redis here: the rate limits count, the form is stored, the page says "check your inbox".
    form_posted_and_stored(stack, 2)
    assert confirmation_email_state(stack) == (False, False)
    assert esp.supporter_emails("confirmation") == []

    stack.redis_start()
    stack.worker_start()
    assert driver(stack, "supporter-mail-sweep", "3")["queued"] == 1

    eventually(stack, lambda: confirmation_email_state(stack) == (True, True), "the confirmation sent")
    emails = esp.supporter_emails("confirmation")
    assert len(emails) == 1 and emails[0]["To"] == "jana@example.org"

    confirm_and_send(stack, esp, link=confirm_link(emails[0]), count=2)


def test_worker_killed_during_a_confirmation_email_the_sweep_sends_it_again(stack, esp):
    esp.hold()  # Postmark accepts the email and keeps its answer: the worker waits mid-request
    first = stack.worker_start()
    form_posted_and_stored(stack, 2)
    eventually(stack, lambda: esp.supporter_emails("confirmation"), "the confirmation email at the ESP")

    stack.worker_kill(first)
    esp.release()

    assert confirmation_email_state(stack) == (True, False)  # claimed, never marked sent
    stack.worker_start()
    assert driver(stack, "supporter-mail-sweep", "11")["queued"] == 1  # the claim is stale by then

    eventually(stack, lambda: confirmation_email_state(stack) == (True, True), "the confirmation sent")
    # Never zero; at most twice. Postmark cannot be asked about supporter mail (only letters carry a reference to
    # search by), so an email accepted just before its worker died is sent again: the supporter gets it twice, with
    # the same link. Here the kill always lands after the acceptance, so it is twice.
    emails = esp.supporter_emails("confirmation")
    assert 1 <= len(emails) <= 2
    assert len({confirm_link(email) for email in emails}) == 1, "the repeated email carries another link"

    confirm_and_send(stack, esp, link=confirm_link(emails[-1]), count=2)


def test_redis_down_at_confirm_the_page_answers_and_the_sweep_sends_each_letter_once(stack, esp):
    stack.worker_start()
    form_posted_and_stored(stack, 2)
    eventually(stack, lambda: esp.supporter_emails("confirmation"), "the confirmation email")
    [email] = esp.supporter_emails("confirmation")
    stack.redis_stop()

    confirmed = driver(stack, "confirm", confirm_link(email))

    assert confirmed["status"] == 302 and "/letters/" in confirmed["location"], confirmed
    assert confirmed["page_status"] == 200, confirmed
    assert {letter["status"] for letter in confirmed["letters"]} == {"queued"}
    assert esp.letter_refs() == []

    stack.redis_start()  # empty: the tasks queued at confirmation never reached it; the worker reconnects
    assert driver(stack, "sweep")["requeued"] == 2

    eventually(stack, lambda: all_sent(stack, 2), "2 letters sent")
    assert_each_letter_arrived_exactly_once(stack, esp, 2)


# --- delivery reports -----------------------------------------------------------------------------------------------


def test_a_soft_bounce_then_a_delivery_leaves_the_letter_delivered_and_the_office_unflagged(stack, esp):
    stack.worker_start()
    stack.driver("letters", "1")
    eventually(stack, lambda: all_sent(stack, 1), "the letter sent")
    [accepted] = esp.accepted
    about = {"message_id": accepted["MessageID"], "letter_ref": accepted["Metadata"]["letter_ref"]}

    [bounced] = webhook(stack, soft_bounce_event(**about, email=FIRST_OFFICE))["letters"]

    assert bounced["status"] == "sent" and bounced["soft_bounced_at"] is not None
    assert bounced["esp_message_id"] == accepted["MessageID"] and bounced["office_email"] == FIRST_OFFICE
    assert bounced["office_flagged_at"] is None

    finished = webhook(stack, delivery_event(**about, recipient=FIRST_OFFICE))

    [delivered] = finished["letters"]
    assert delivered["status"] == "delivered"
    assert delivered["office_flagged_at"] is None
    assert finished["contacts"] == {"email_sent": 1, "email_delivered": 1}
    assert esp.letter_refs() == [about["letter_ref"]]


def test_a_delivery_reported_before_the_worker_recorded_sent_keeps_both(stack, esp):
    esp.hold()  # Postmark accepts the letter and keeps its answer: the worker waits mid-request
    stack.worker_start()
    stack.driver("letters", "1")
    eventually(stack, lambda: esp.letter_refs(), "the letter at the ESP")
    [accepted] = esp.accepted
    ref, message_id = accepted["Metadata"]["letter_ref"], accepted["MessageID"]
    assert stack.database.rows("SELECT status, esp_message_id FROM campaign_letter") == [("sending", "")]

    # Found by the letter_ref in its metadata: the letter does not know its message id yet.
    [reported] = webhook(stack, delivery_event(message_id=message_id, recipient=FIRST_OFFICE, letter_ref=ref))[
        "letters"
    ]

    assert reported["status"] == "delivered"
    assert reported["sent_at"] is None, "the worker recorded sent first; the test proves nothing"

    esp.release()
    eventually(stack, lambda: letter_rows(stack)[0][4], "the worker recorded sent")
    [(status, esp_message_id)] = stack.database.rows("SELECT status, esp_message_id FROM campaign_letter")
    assert (status, esp_message_id) == ("delivered", message_id)
    assert contacts(stack) == {"email_sent": 1, "email_delivered": 1}
    assert esp.letter_refs() == [ref]
