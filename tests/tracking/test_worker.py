"""End to end on real parts: redis-server, a Celery worker, and the inbound webhook in a Django process.

A reply posted to the webhook is forwarded by the worker; the periodic survey task sends its one email.
"""

import json
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.postmark_payloads import POSTMARK_INBOUND

from .test_inbound import GOOD_AUTH

pytestmark = pytest.mark.integration

SETUP = """
import datetime
from django.utils import timezone
from campaign.models import Campaign, Letter, Submission
from embassies.models import Office
campaign = Campaign.objects.create(slug="law-13673", title="Law 13673", target="Law 13673", sending_country="UA",
                                   from_email="letters@example.org")
office = Office.objects.create(sending_country="UA", host_country="CZ", kind="consulate_general", head_title="consul_general",
                               name="Consulate General of Ukraine in Brno", city="Brno", email="brno@example.org",
                               verified_on=datetime.date(2026, 1, 1))
submission = Submission.objects.create(campaign=campaign, language="en", email="supporter@example.net", sender_hash="h",
                                       confirmed_at=timezone.now())
letter = Letter.objects.create(submission=submission, campaign=campaign, office=office, sender_hash="h", status="sent",
                               sent_at=timezone.now() - datetime.timedelta(days=20))
print(letter.reply_token)
"""
INBOUND = """
from pathlib import Path
from django.test import Client
response = Client().post("/webhooks/anymail/postmark/inbound/", data=Path(%r).read_text(),
                         content_type="application/json", HTTP_AUTHORIZATION=%r)
print(response.status_code)
"""
SURVEY = """
from tracking.tasks import reply_survey_send_due_task
reply_survey_send_due_task.delay()
"""


@pytest.fixture
def django_and_mailbox(django_with_worker, tmp_path):
    django = django_with_worker(pool="solo", ANYMAIL_WEBHOOK_SECRET="test:test-webhook-secret")
    return django, tmp_path / "mailbox"


def _wait_for_mail(mailbox: Path, count: int, timeout: float = 60) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mailbox.glob("*.eml")) if mailbox.exists() else []
        if len(files) >= count:
            return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
        time.sleep(0.3)
    raise AssertionError(f"expected {count} emails in {mailbox}, found {len(files)}")


def test_reply_is_forwarded_and_survey_sent_by_a_real_worker(django_and_mailbox, tmp_path):
    django, mailbox = django_and_mailbox
    token = django(SETUP)
    payload = tmp_path / "inbound.json"
    payload.write_text(json.dumps(POSTMARK_INBOUND).replace("TOKEN", token))

    assert django(INBOUND % (str(payload), GOOD_AUTH)) == "200"
    assert django(INBOUND % (str(payload), GOOD_AUTH)) == "200"  # Postmark retried: nothing new happens

    forwarded = _wait_for_mail(mailbox, 1)[0]
    assert forwarded["To"] == "supporter@example.net"
    assert "passed it on to Kyiv" in forwarded.get_body(("plain",)).get_content()

    django(SURVEY)
    django(SURVEY)  # the periodic task runs again: the supporter is not asked twice
    _wait_for_mail(mailbox, 2)
    time.sleep(2)  # room for a wrong third email to arrive
    messages = _wait_for_mail(mailbox, 2)
    assert len(messages) == 2
    assert [message["Subject"] for message in messages].count("Did the embassy reply?") == 1
