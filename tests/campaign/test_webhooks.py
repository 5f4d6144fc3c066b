"""Postmark tracking webhooks through anymail's real webhook view: auth, status updates, dedupe, bounces."""

import base64
import datetime
import json

from django.core import checks
from django.test import Client
from django.utils import timezone

import pytest

from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus, Submission, WebhookEvent
from campaign.services.outbox import letter_mark_sent
from tests.factories import CampaignFactory, VerifiedOfficeFactory
from tests.postmark_payloads import delivery_event
from tracking.services import delivery_events_parked_apply

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


def another_letter_to(office) -> Letter:
    submission = Submission.objects.create(
        campaign=CampaignFactory(), language="en", sender_hash="h2", confirmed_at=timezone.now()
    )
    return Letter.objects.create(
        submission=submission,
        campaign=submission.campaign,
        office=office,
        sender_hash="h2",
        status=LetterStatus.SENT,
        esp_message_id=f"msg-{Letter.objects.count()}",
    )


@pytest.mark.parametrize("bounce_type", ["SoftBounce", "Transient", "DnsError"])
def test_a_soft_bounce_neither_ends_the_letter_nor_flags_the_office(client, sent_letter, bounce_type):
    response = post(client, bounce(sent_letter, Type=bounce_type, TypeCode=4096, Inactive=False), **auth())

    assert response.status_code == 200
    sent_letter.refresh_from_db()
    sent_letter.office.refresh_from_db()
    assert sent_letter.status == LetterStatus.SENT
    assert sent_letter.office.email_flagged_at is None
    if bounce_type == "SoftBounce":  # anymail reports it as "bounced"; the others as "deferred"
        assert sent_letter.soft_bounced_at is not None
        assert "Temporary bounce" in sent_letter.failure_reason

    post(client, delivery(sent_letter), **auth())
    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.DELIVERED
    assert sent_letter.failure_reason == ""  # the status page no longer shows the bounce note


def test_repeated_soft_bounces_across_letters_flag_the_office(client, sent_letter, settings):
    settings.SOFT_BOUNCES_TO_FLAG = 3
    letters = [sent_letter, another_letter_to(sent_letter.office), another_letter_to(sent_letter.office)]
    for number, letter in enumerate(letters):
        post(client, bounce(letter, Type="SoftBounce", ID=1000 + number), **auth())
        sent_letter.office.refresh_from_db()
        assert (sent_letter.office.email_flagged_at is not None) == (number == 2)
    assert "3 letters bounced temporarily within 14 days" in sent_letter.office.email_flag_reason


def test_a_delivery_reported_before_the_worker_recorded_sent_keeps_the_message_id_and_the_count(client, sent_letter):
    Letter.objects.filter(pk=sent_letter.pk).update(status=LetterStatus.SENDING, esp_message_id="")
    post(client, delivery(sent_letter), **auth())  # found by its letter reference in the metadata

    letter_mark_sent(letter=sent_letter, esp_message_id="0f3c1a2b-late")

    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.DELIVERED
    assert sent_letter.esp_message_id == "0f3c1a2b-late" and sent_letter.sent_at is not None
    channels = list(ContactEvent.objects.values_list("channel", flat=True))
    assert sorted(channels) == [ContactChannel.EMAIL_DELIVERED, ContactChannel.EMAIL_SENT]


def test_a_delivery_without_a_letter_reference_that_overtook_the_worker_is_kept_and_applied_later(client, sent_letter):
    """ESPs such as Postal send no metadata: the event finds its letter only by the message id, once recorded."""
    Letter.objects.filter(pk=sent_letter.pk).update(status=LetterStatus.SENDING, esp_message_id="")
    event = delivery_event(message_id="postal-77", recipient=sent_letter.office.email, letter_ref="")
    event["Metadata"] = {}
    assert post(client, event, **auth()).status_code == 200
    assert delivery_events_parked_apply() == 0  # still nobody's: the worker has not recorded it

    letter_mark_sent(letter=sent_letter, esp_message_id="postal-77")
    assert delivery_events_parked_apply() == 1
    assert delivery_events_parked_apply() == 0  # applied once

    sent_letter.refresh_from_db()
    assert sent_letter.status == LetterStatus.DELIVERED
    channels = sorted(ContactEvent.objects.values_list("channel", flat=True))
    assert channels == [ContactChannel.EMAIL_DELIVERED, ContactChannel.EMAIL_SENT]
    assert post(client, event, **auth()).status_code == 200  # the ESP's retry changes nothing
    assert ContactEvent.objects.count() == 2


def test_a_parked_event_nobody_claims_is_forgotten_after_a_week(client, sent_letter):
    event = delivery_event(message_id="not-a-letter", recipient="someone@example.org", letter_ref="")
    event["Metadata"] = {}
    post(client, event, **auth())
    assert WebhookEvent.objects.filter(parked__isnull=False).count() == 1

    assert delivery_events_parked_apply(now=timezone.now() + datetime.timedelta(days=8)) == 0

    assert not WebhookEvent.objects.filter(parked__isnull=False).exists()
