"""Logins are throttled (django-axes): ten failures lock the account name, or the address; client addresses come
only from our own proxies."""

from django.contrib.auth.models import User
from django.test import RequestFactory

import pytest

from common.abuse import client_ip
from printing.models import Group

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
GROUP_LOGIN = "/en/print/login/"


@pytest.fixture
def organiser(db):
    return User.objects.create_user("organiser", password="correct-horse-battery", is_staff=True)


def login(client, url, username, password, address="198.51.100.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", [ADMIN_LOGIN, GROUP_LOGIN])
def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(client, organiser, url):
    if url == GROUP_LOGIN:
        Group.objects.create(name="Brno", country="CZ", city="Brno").members.add(organiser)
    statuses = [
        login(client, url, "organiser", f"wrong-{attempt}", address=f"198.51.100.{attempt}").status_code
        for attempt in range(10)
    ]

    assert statuses == [200] * 9 + [429]  # the form again with its error, until the tenth failure locks

    locked = login(client, url, "organiser", "correct-horse-battery", address="203.0.113.99")

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_ten_failures_from_one_address_lock_that_address_for_any_account(client, organiser):
    for attempt in range(10):
        login(client, ADMIN_LOGIN, f"guess-{attempt}", "wrong")

    assert login(client, ADMIN_LOGIN, "organiser", "correct-horse-battery").status_code == 429
    assert login(client, ADMIN_LOGIN, "organiser", "correct-horse-battery", address="203.0.113.5").status_code == 302


def test_a_successful_login_resets_the_count(client, organiser):
    for attempt in range(9):
        login(client, ADMIN_LOGIN, "organiser", f"wrong-{attempt}")
    assert login(client, ADMIN_LOGIN, "organiser", "correct-horse-battery").status_code == 302
    client.logout()

    for attempt in range(9):
        login(client, ADMIN_LOGIN, "organiser", f"wrong-again-{attempt}")
    assert login(client, ADMIN_LOGIN, "organiser", "correct-horse-battery").status_code == 302


@pytest.mark.parametrize(
    ("header", "count", "expected"),
    [
        ("1.2.3.4, 198.51.100.7", 1, "198.51.100.7"),  # the client wrote 1.2.3.4; our proxy appended the real one
        ("1.2.3.4, 198.51.100.7, 10.0.0.2", 2, "198.51.100.7"),
        ("198.51.100.7", 3, "198.51.100.7"),
        ("", 1, "192.0.2.1"),
    ],
)
def test_the_client_address_is_the_one_our_proxies_saw(settings, header, count, expected):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR="192.0.2.1")

    assert client_ip(request) == expected
