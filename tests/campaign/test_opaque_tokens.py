"""The confirm, status and erase links carry opaque tokens: nothing in them can be read, the database holds only
their hashes, and anything else in their place is refused without an error or a query."""

import datetime
import importlib
import re

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from campaign.models import Letter, LetterStatus, Submission
from campaign.services import submission_from_forget_token
from campaign.services.submissions import ConfirmOutcome, submission_confirm, submission_from_status_token
from campaign.tokens import (
    submission_confirm_token,
    submission_forget_token,
    submission_status_token,
    submission_token_hashes,
    token_hash,
)
from tests.factories import SubmissionFactory

from .conftest import confirm_link
from .opaque import assert_opaque, assert_stored_nowhere

pytestmark = pytest.mark.django_db(transaction=True)

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])
MALFORMED = [
    "x",
    "nonsense:token",
    "0" * 39,
    "0" * 41,
    "0" * 4000,
    "g" * 40,
    "é" * 40,
    "٣" * 40,  # digits, but not ASCII ones
    " " + "0" * 39,
    "0" * 39 + "\n",
]


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _path(url: str) -> str:
    return url.replace(settings.SITE_URL, "")


def _links_of_a_confirmed_submission(client, letter_data, outbox) -> dict[str, str]:
    client.post(FORM_URL, letter_data(send_copy="on"))
    confirm = confirm_link(outbox[0])
    client.post(_path(confirm))
    copy = next(message for message in outbox if "/letters/" in message.body)
    return {
        "confirm": confirm,
        "status": re.search(r"https?://\S+/letters/\S+/", copy.body).group(0),
        "forget": re.search(r"https?://\S+/forget/\S+/", copy.body).group(0),
    }


def test_the_mailed_tokens_are_opaque_and_only_their_hashes_are_stored(client, campaign, letter_data, outbox):
    links = _links_of_a_confirmed_submission(client, letter_data, outbox)
    submission = Submission.objects.get()

    tokens = {kind: _token(url) for kind, url in links.items()}
    assert len(set(tokens.values())) == 3  # a token made for one link opens no other
    for token in tokens.values():
        assert_opaque(token)
        assert_stored_nowhere(token)
    assert submission_token_hashes(submission=submission) == {
        "confirm_token_hash": token_hash(tokens["confirm"]),
        "status_token_hash": token_hash(tokens["status"]),
        "forget_token_hash": token_hash(tokens["forget"]),
    }


def test_a_token_holds_not_even_the_submission_id(campaign):
    submission = SubmissionFactory(pk=73519246, campaign=campaign)
    for make in (submission_confirm_token, submission_status_token, submission_forget_token):
        assert_opaque(make(submission=submission), ids=(submission.pk,))


def test_each_link_opens_only_its_own_page(client, campaign, letter_data, outbox):
    links = _links_of_a_confirmed_submission(client, letter_data, outbox)
    slug_path = "/en/c/law-13673"

    assert client.get(f"{slug_path}/letters/{_token(links['confirm'])}/").status_code == 404
    assert client.get(f"{slug_path}/letters/{_token(links['forget'])}/").status_code == 404
    assert client.get(f"{slug_path}/forget/{_token(links['status'])}/").status_code == 404
    refused = client.post(f"{slug_path}/confirm/{_token(links['status'])}/")
    assert refused.status_code == 400 and "not valid" in refused.content.decode()
    assert client.get(_path(links["status"])).status_code == 200


@pytest.mark.parametrize("token", MALFORMED)
def test_a_malformed_token_is_refused_without_a_query(campaign, token, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert submission_from_status_token(token=token) is None
        assert submission_from_forget_token(token=token) is None
    with CaptureQueriesContext(connection) as queries:
        assert submission_confirm(token=token, interface_language="en").outcome == ConfirmOutcome.INVALID
    assert not [query for query in queries if "SELECT" in query["sql"].upper()]  # a transaction opens, at most


@pytest.mark.parametrize("token", [*MALFORMED, "0" * 40, "f" * 40])
def test_garbage_in_any_link_gives_the_invalid_page_never_an_error(client, campaign, letter_data, outbox, token):
    client.post(FORM_URL, letter_data())
    slug_path = "/en/c/law-13673"

    for method in (client.get, client.post):
        status = method(f"{slug_path}/letters/{token}/")
        assert status.status_code == 404 and "This link is not valid" in status.content.decode()
        forget = method(f"{slug_path}/forget/{token}/")
        assert forget.status_code == 404 and "This link is not valid" in forget.content.decode()
    confirm = client.post(f"{slug_path}/confirm/{token}/")
    assert confirm.status_code == 400 and "not valid" in confirm.content.decode()
    assert Submission.objects.get().confirmed_at is None
    assert Submission.objects.get().name  # the erase link's POST erased nothing


def test_the_old_signed_tokens_open_nothing(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    pk = Submission.objects.get().pk
    old_confirm = signing.dumps({"submission": pk}, salt="campaign.submission.confirm", compress=True)
    old_status = signing.dumps({"submission": pk}, salt="campaign.submission.status", compress=True)

    assert client.post(f"/en/c/law-13673/confirm/{old_confirm}/").status_code == 400
    assert client.get(f"/en/c/law-13673/letters/{old_status}/").status_code == 404
    assert Letter.objects.filter(status=LetterStatus.PENDING).count() == 2


def _created_hours_ago(hours: float) -> None:
    # Only the age moves: the stored hash, and so the mailed link, stay as they were.
    Submission.objects.update(created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=hours))


def test_the_confirmation_link_expires_counted_from_the_submission(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    link = _path(confirm_link(outbox[0]))
    _created_hours_ago(settings.CONFIRMATION_MAX_AGE_HOURS + 0.1)

    response = client.post(link)

    assert response.status_code == 400 and "expired" in response.content.decode()
    assert Submission.objects.get().confirmed_at is None
    assert Letter.objects.filter(status=LetterStatus.PENDING).count() == 2


def test_the_confirmation_link_still_works_just_before_it_expires(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    link = _path(confirm_link(outbox[0]))
    _created_hours_ago(settings.CONFIRMATION_MAX_AGE_HOURS - 0.1)

    client.post(link)

    assert Submission.objects.get().confirmed_at is not None
    assert not Letter.objects.filter(status=LetterStatus.PENDING).exists()


def test_an_old_link_to_confirmed_letters_says_expired_as_before(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    link = _path(confirm_link(outbox[0]))
    client.post(link)
    _created_hours_ago(settings.CONFIRMATION_MAX_AGE_HOURS + 1)

    response = client.post(link)

    assert response.status_code == 400 and "expired" in response.content.decode()


def test_after_erasure_no_status_link_finds_the_submission(client, campaign, letter_data, outbox):
    links = _links_of_a_confirmed_submission(client, letter_data, outbox)
    client.post(_path(links["forget"]))

    submission = Submission.objects.get()
    assert submission.status_token_hash == ""
    assert submission_from_status_token(token=_token(links["status"])) is None
    assert client.get(_path(links["status"])).status_code == 404
    # The other two still answer: the erase link says it is done, the confirmation link says it expired.
    assert client.get(_path(links["forget"])).status_code == 200
    late = client.post(_path(links["confirm"]))
    assert late.status_code == 400 and "expired" in late.content.decode()


def test_the_migration_fills_the_hashes_the_code_computes(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    erased = SubmissionFactory(campaign=campaign, erased_at=datetime.datetime.now(datetime.UTC))
    expected = submission_token_hashes(submission=Submission.objects.exclude(pk=erased.pk).get())
    Submission.objects.update(confirm_token_hash="", status_token_hash="")
    migration = importlib.import_module("campaign.migrations.0008_submission_opaque_link_tokens")

    migration.link_hashes_fill(apps, None)

    filled = Submission.objects.exclude(pk=erased.pk).get()
    assert (filled.confirm_token_hash, filled.status_token_hash) == (
        expected["confirm_token_hash"],
        expected["status_token_hash"],
    )
    erased.refresh_from_db()
    assert erased.confirm_token_hash and erased.status_token_hash == ""
