"""Abuse guards: honeypot, minimum fill time, tampered tokens, rate limits, proof of work."""

import hashlib
import re
import time

from django.core import signing
from django.urls import reverse

import pytest

from campaign.models import Submission
from common.abuse import (
    FILL_TIME_SALT,
    POW_SALT,
    _leading_zero_bits,
    pow_challenge_new,
    pow_solution_check,
    rate_limit_hit,
)

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])


def test_rate_limit_counts_per_key_within_the_window():
    hits = [rate_limit_hit(scope="t", key="1.2.3.4", limit=3, window_seconds=60) for _ in range(5)]
    assert hits == [False, False, False, True, True]
    assert rate_limit_hit(scope="t", key="5.6.7.8", limit=3, window_seconds=60) is False


def test_honeypot_filled_is_refused(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(website="http://spam.example"))

    assert response.status_code == 200
    assert "Leave this field empty" in response.content.decode()
    assert Submission.objects.count() == 0


def test_form_sent_faster_than_a_person_is_refused(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(form_started=signing.dumps(time.time(), salt=FILL_TIME_SALT)))

    assert response.status_code == 200
    assert "faster than a person" in response.content.decode()
    assert Submission.objects.count() == 0


# Fixed ids: the signed token differs at every collection, and pytest-xdist needs both workers to collect alike.
@pytest.mark.parametrize(
    "token", ["", "garbage", signing.dumps(0, salt="another-salt")], ids=["empty", "garbage", "another-salt"]
)
def test_missing_or_forged_start_time_is_refused(client, campaign, offices, letter_data, token):
    response = client.post(FORM_URL, letter_data(form_started=token))

    assert response.status_code == 200
    assert "damaged" in response.content.decode()
    assert Submission.objects.count() == 0


def _posted_challenge(page: str) -> str:
    return page.split('name="pow_challenge" value="')[1].split('"')[0]


def test_a_busy_ip_address_asks_for_a_proof_of_work_instead_of_refusing(
    client, campaign, offices, letter_data, settings
):
    settings.RATE_LIMIT_LETTERS_PER_IP = 2
    settings.POW_DIFFICULTY_BITS = 8
    for index in range(2):
        assert client.post(FORM_URL, letter_data(email=f"person{index}@example.org")).status_code == 302

    asked = client.post(FORM_URL, letter_data(email="person9@example.org"))
    page = asked.content.decode()

    assert asked.status_code == 429
    assert "short automatic check" in page and "/static/js/pow.js" in page
    assert "Jana Nováková" in page  # the letter stays on the page
    assert Submission.objects.count() == 2
    challenge = _posted_challenge(page)
    wrong = client.post(FORM_URL, letter_data(email="person9@example.org", pow_challenge=challenge, pow_solution=""))
    assert wrong.status_code == 429 and Submission.objects.count() == 2
    challenge = _posted_challenge(wrong.content.decode())
    solved = client.post(
        FORM_URL, letter_data(email="person9@example.org", pow_challenge=challenge, pow_solution=solve(challenge))
    )
    assert solved.status_code == 302 and Submission.objects.count() == 3
    replayed = client.post(
        FORM_URL, letter_data(email="person7@example.org", pow_challenge=challenge, pow_solution=solve(challenge))
    )
    assert replayed.status_code == 429  # a solution works once
    other_ip = client.post(FORM_URL, letter_data(email="person8@example.org"), REMOTE_ADDR="10.9.8.7")
    assert other_ip.status_code == 302


def test_a_flood_from_one_ip_address_is_refused_even_with_proofs(client, campaign, offices, letter_data, settings):
    settings.RATE_LIMIT_LETTERS_PER_IP = 1
    settings.RATE_LIMIT_LETTERS_PER_IP_CEILING = 2
    settings.POW_DIFFICULTY_BITS = 8
    assert client.post(FORM_URL, letter_data(email="a@example.org")).status_code == 302
    challenge = _posted_challenge(client.post(FORM_URL, letter_data(email="b@example.org")).content.decode())

    refused = client.post(
        FORM_URL, letter_data(email="c@example.org", pow_challenge=challenge, pow_solution=solve(challenge))
    )

    assert refused.status_code == 429
    assert "Too many letters" in refused.content.decode()
    assert Submission.objects.count() == 1


def test_rate_limit_per_email(client, campaign, offices, letter_data, settings):
    settings.RATE_LIMIT_LETTERS_PER_EMAIL = 1
    assert client.post(FORM_URL, letter_data(), REMOTE_ADDR="10.0.0.1").status_code == 302

    blocked = client.post(FORM_URL, letter_data(email="JANA@example.org "), REMOTE_ADDR="10.0.0.2")

    assert blocked.status_code == 429
    assert Submission.objects.count() == 1


def solve(challenge: str, *, wrongly: bool = False) -> str:
    """The first nonce that meets the challenge's number of zero bits (or, `wrongly`, that misses it)."""
    data = signing.loads(challenge, salt=POW_SALT)
    nonce = 0
    while (_leading_zero_bits(hashlib.sha256(f"{data['salt']}{nonce}".encode()).digest()) >= data["bits"]) == wrongly:
        nonce += 1
    return str(nonce)


@pytest.fixture
def pow_on(settings):
    settings.POW_ENABLED = True
    settings.POW_DIFFICULTY_BITS = 8


def test_proof_of_work_page_loads_the_self_hosted_solver_and_explains_no_js(client, campaign, offices, pow_on):
    page = client.get(FORM_URL).content.decode()
    assert "/static/js/pow.js" in page
    assert "<noscript>" in page
    # Nothing third-party is loaded (share links to other sites are plain links, not assets).
    assert not re.search(r'(src|srcset|action|data)="(https?:)?//', page)
    assert not re.search(r'<link[^>]+rel="(stylesheet|preload|modulepreload|icon)"[^>]+href="(https?:)?//', page)


def test_email_without_proof_of_work_is_refused(client, campaign, offices, letter_data, pow_on):
    challenge = pow_challenge_new()  # a fixed wrong answer such as "1" would meet 8 bits once in 256 runs
    response = client.post(FORM_URL, letter_data(pow_challenge=challenge, pow_solution=solve(challenge, wrongly=True)))

    assert response.status_code == 200
    assert "anti-spam check" in response.content.decode()
    assert Submission.objects.count() == 0


def test_email_with_a_solved_challenge_is_accepted_once(client, campaign, offices, letter_data, pow_on):
    challenge = pow_challenge_new()
    solution = solve(challenge)

    assert client.post(FORM_URL, letter_data(pow_challenge=challenge, pow_solution=solution)).status_code == 302
    assert pow_solution_check(challenge=challenge, solution=solution) is False  # one use only


def test_mailto_channel_does_not_need_proof_of_work(client, campaign, offices, letter_data, pow_on):
    response = client.post(FORM_URL, letter_data(action="mailto"))
    assert response.status_code == 200
    assert "mailto:" in response.content.decode()
