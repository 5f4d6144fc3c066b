"""A supporter erases their own data from the link in an email: a page with one button, then nothing personal
is left in any table or file; counts and statuses stay."""

import base64
import copy
import json
import re

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models

import pytest

from campaign.models import ContactEvent, Letter, LetterStatus, Submission
from tests.postmark_payloads import POSTMARK_INBOUND
from tracking.models import Reply, ReplyAttachment

from .conftest import confirm_link

pytestmark = pytest.mark.django_db(transaction=True)

FORM_URL = "/en/c/law-13673/cz/"
PERSONAL = ["Jana Nováková", "jana@example.org", "My neighbour fled the draft; he is not a criminal."]


def forget_link(message) -> str:
    match = re.search(r"https?://\S+/forget/\S+/", message.body)
    assert match, "no erase link in the email"
    return match.group(0).replace(settings.SITE_URL, "")


def personal_data_left() -> list[str]:
    """Every text column of every table, searched for the supporter's name, address and paragraph."""
    found = []
    for model in apps.get_models():
        text_fields = [
            field.name for field in model._meta.get_fields() if isinstance(field, models.CharField | models.TextField)
        ]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            for value in row:
                for needle in ("Nováková", "jana@example.org", "My neighbour fled"):
                    if value and needle.lower() in str(value).lower():
                        found.append(f"{model.__name__}: {needle}")
    return found


def test_every_email_to_the_supporter_carries_an_erase_link(client, campaign, offices, letter_data, outbox):
    client.post(FORM_URL, letter_data(send_copy="on"))
    client.post(confirm_link(outbox[0]).replace(settings.SITE_URL, ""))

    to_supporter = [message for message in outbox if message.to == ["jana@example.org"]]
    assert len(to_supporter) == 2  # the confirmation and the copy
    links = {forget_link(message) for message in to_supporter}
    assert len(links) == 1
    token = links.pop().rstrip("/").rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{40}", token)  # opaque: an HMAC, nothing in it can be read
    assert Submission.objects.get().forget_token_hash != token  # only its hash is stored


def test_the_link_asks_first_and_erases_everything_personal_on_the_button(
    client, campaign, offices, letter_data, outbox
):
    client.post(FORM_URL, letter_data(send_copy="on"))
    client.post(confirm_link(outbox[0]).replace(settings.SITE_URL, ""))
    letter = Letter.objects.first()
    _reply_received(client, letter)
    assert personal_data_left()
    counts_before = ContactEvent.objects.count()
    statuses_before = sorted(Letter.objects.values_list("status", flat=True))
    link = forget_link(outbox[0])

    page = client.get(link)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert Submission.objects.get().name == "Jana Nováková"  # a link scanner's GET erases nothing

    done = client.post(link)

    assert done.status_code == 200 and "Your data is erased" in done.content.decode()
    assert personal_data_left() == []
    reply = Reply.objects.get()
    assert reply.body_text == "" and reply.from_address == "" and not ReplyAttachment.objects.exists()
    assert ContactEvent.objects.count() == counts_before
    assert sorted(Letter.objects.values_list("status", flat=True)) == statuses_before
    assert len({Letter.objects.values_list("sender_hash", flat=True)[0], Submission.objects.get().sender_hash}) == 1
    assert (
        not Letter.objects.filter(sender_hash=Submission.objects.get().sender_hash)
        .exclude(submission=Submission.objects.get())
        .exists()
    )
    assert client.post(link).status_code == 200  # again: nothing left to do, no error
    copies = [message for message in outbox if "/letters/" in message.body]
    status_path = re.search(r"https?://[^/]+(/\S+/letters/\S+/)", copies[0].body).group(1)
    assert client.get(status_path).status_code == 404  # which offices they wrote to is erased too


def test_erasing_before_confirming_withdraws_the_letters(client, campaign, offices, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    client.post(forget_link(outbox[0]))

    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.FAILED}
    mail.outbox = []
    response = client.post(confirm_link(outbox[0]).replace(settings.SITE_URL, ""))
    assert response.status_code == 400
    assert mail.outbox == []  # nothing is sent after erasure


def test_an_unknown_erase_link_says_so(client, campaign):
    response = client.get("/en/c/law-13673/forget/not-a-token/")

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def _reply_received(client, letter) -> None:
    payload = json.loads(json.dumps(copy.deepcopy(POSTMARK_INBOUND)).replace("TOKEN", letter.reply_token))
    payload["TextBody"] = "Dear Jana Nováková, we received your letter."
    client.post(
        "/webhooks/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"test:test-webhook-secret").decode(),
    )
    assert Reply.objects.filter(letter=letter).exists()


def test_an_address_asks_for_its_erase_links_and_the_answer_reveals_nothing(
    client, campaign, offices, letter_data, outbox
):
    client.post(FORM_URL, letter_data())
    mail.outbox = []

    with_letters = client.post("/cs/forget/", {"email": "JANA@example.org"})
    without_letters = client.post("/cs/forget/", {"email": "nobody@example.org"})

    assert with_letters.status_code == without_letters.status_code == 200
    assert _same_notice(with_letters, without_letters)
    (message,) = mail.outbox
    assert message.to == ["jana@example.org"]
    link = forget_link(message)
    assert link.startswith("/cs/c/law-13673/forget/")
    client.post(link)
    assert Submission.objects.get().erased_at is not None


def test_asking_for_erase_links_is_rate_limited_per_address(client, campaign, offices, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    mail.outbox = []

    for _attempt in range(4):
        client.post("/en/forget/", {"email": "jana@example.org"})

    assert len(mail.outbox) == 2


def _same_notice(first, second) -> bool:
    notice = re.compile(r'<p role="status">(.*?)</p>', re.S)
    return notice.search(first.content.decode()).group(1) == notice.search(second.content.decode()).group(1)
