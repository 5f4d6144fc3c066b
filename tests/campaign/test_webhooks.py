"""Postmark tracking webhooks through anymail's real webhook view: auth, status updates, dedupe, bounces."""

import base64
import json

from django.core import checks
from django.test import Client
from django.utils import timezone

import pytest

from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus, Submission, WebhookEvent
from tests.factories import CampaignFactory, VerifiedOfficeFactory
from tests.postmark_payloads import delivery_event

pytestmark = pytest.mark.django_db

URL = "/webhooks/anymail/postmark/tracking/"


def auth(credentials: str = "test:test-webhook-secret") -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


@pytest.fixture
def sent_letter(db):
    campaign = CampaignFactory()
    submission = Submission.objects.create(
        campaign=campaign, language="en", sender_hash="h", confirmed_at=timezone.now()
    )
    return Letter.objects.create(
        submission=submission,
        campaign=campaign,
        office=VerifiedOfficeFactory(email="embassy@example.org"),
        sender_hash="h",
        status=LetterStatus.SENT,
        esp_message_id="0f3c1a2b-1111-2222-3333-444455556666",
    )


def delivery(letter, **overrides) -> dict:
    event = delivery_event(
        message_id=letter.esp_message_id, recipient=letter.office.email, letter_ref=letter.reply_token
    )
    return {**event, **overrides}


def bounce(letter, **overrides) -> dict:
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "letter",
        "MessageID": letter.esp_message_id,
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (mailbox not found).",
        "Details": "smtp;550 5.1.1 mailbox unknown",
        "Email": letter.office.email,
        "From": "letters@example.org",
        "BouncedAt": "2026-11-24T16:33:54Z",
        "DumpAvailable": False,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "A protest",
        "MessageStream": "outbound",
        **overrides,
    }


def post(client, payload, **headers):
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


@pytest.mark.parametrize("headers", [{}, auth("test:wrong-secret"), auth("intruder:test-webhook-secret")])
def test_webhook_without_the_right_credentials_changes_nothing(sent_letter, headers):
    # anymail answers a SuspiciousOperation, which Django turns into 400; see the report for why not 401.
    response = post(Client(raise_request_exception=False), bounce(sent_letter), **headers)

    assert response.status_code == 400
    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.SENT
    assert sent_letter.office.email_flagged_at is None
    assert WebhookEvent.objects.count() == 0


def test_delivered_event_marks_the_letter_and_counts_a_delivery(client, sent_letter):
    response = post(client, delivery(sent_letter), **auth())

    assert response.status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.DELIVERED
    assert ContactEvent.objects.filter(channel=ContactChannel.EMAIL_DELIVERED, office=sent_letter.office).count() == 1


def test_the_same_event_twice_changes_nothing(client, sent_letter):
    post(client, delivery(sent_letter), **auth())
    Letter.objects.filter(pk=sent_letter.pk).update(status=LetterStatus.SENT)  # would be re-applied if not deduped

    again = post(client, delivery(sent_letter), **auth())

    assert again.status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.SENT
    assert ContactEvent.objects.filter(channel=ContactChannel.EMAIL_DELIVERED).count() == 1


def test_bounce_marks_the_letter_and_flags_the_office(client, sent_letter):
    response = post(client, bounce(sent_letter), **auth())

    assert response.status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.BOUNCED
    assert "mailbox not found" in sent_letter.failure_reason
    sent_letter.office.refresh_from_db()
    assert sent_letter.office.email_flagged_at is not None
    assert "bounced" in sent_letter.office.email_flag_reason


def test_delivery_reported_after_a_bounce_does_not_hide_the_bounce(client, sent_letter):
    post(client, bounce(sent_letter), **auth())
    post(client, delivery(sent_letter), **auth())

    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.BOUNCED


def test_spam_complaint_marks_the_letter(client, sent_letter):
    post(client, bounce(sent_letter, RecordType="SpamComplaint", Type="SpamComplaint", ID=77), **auth())

    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.COMPLAINED


def test_event_for_an_unknown_message_is_accepted_and_ignored(client, sent_letter):
    response = post(client, delivery(sent_letter, MessageID="not-ours", Metadata={}), **auth())

    assert response.status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.SENT


def test_rejected_event_marks_the_letter_and_flags_the_office(client, sent_letter):
    # Postmark reports an address it refuses to send to as a bounce of type "BadEmailAddress"; anymail calls it rejected.
    response = post(client, bounce(sent_letter, Type="BadEmailAddress", TypeCode=100000, ID=78), **auth())

    assert response.status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.REJECTED
    sent_letter.office.refresh_from_db()
    assert sent_letter.office.email_flagged_at is not None
    assert "rejected" in sent_letter.office.email_flag_reason


@pytest.mark.parametrize(("debug", "secret", "errors"), [(False, "", 1), (False, "u:p", 0), (True, "", 0)])
def test_a_production_site_without_a_webhook_secret_refuses_to_start(settings, debug, secret, errors):
    settings.DEBUG = debug
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": secret}

    found = [message for message in checks.run_checks() if message.id == "common.E001"]

    assert len(found) == errors
