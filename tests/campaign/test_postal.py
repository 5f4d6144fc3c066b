"""Postal (ESP=postal): a letter's send → delivery webhook → inbound reply, through anymail, against a local server
that answers like Postal's API, with webhooks signed the way Postal signs them."""

import base64
import json
from email.message import EmailMessage

from django.core import checks
from django.utils import timezone

import pytest

from campaign.emails import letter_reply_address
from campaign.esp import esp_adapter
from campaign.esp.postal import PostalAdapter
from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus
from campaign.services.outbox import LetterSendTransientError, letter_send
from tests.common.test_operations import COMPLETE_PRODUCTION, manage
from tests.factories import CampaignFactory, LetterTemplateFactory, SubmissionFactory, VerifiedOfficeFactory
from tracking.models import Reply, ReplyState

from .fake_postal import API_KEY, FakePostal, PostalSigner, inbound_payload, message_event

pytestmark = pytest.mark.django_db

OFFICE = "consulate@mfa.office.test"
TRACKING_URL = "/webhooks/anymail/postal/tracking/"
INBOUND_URL = "/webhooks/anymail/postal/inbound/"
BASIC_AUTH = "Basic " + base64.b64encode(b"test:test-webhook-secret").decode()
SIGNER = PostalSigner()  # one key for the module: generating RSA keys is slow


@pytest.fixture
def postal(settings):
    server = FakePostal().start()
    settings.EMAIL_BACKEND = "campaign.esp.postal.EmailBackend"
    settings.LETTER_ESP_ADAPTER = "campaign.esp.postal.PostalAdapter"
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "POSTAL_API_URL": server.url,
        "POSTAL_API_KEY": API_KEY,
        "POSTAL_WEBHOOK_KEY": SIGNER.webhook_key,
    }
    yield server
    server.stop()


def queued_letter(*, from_email: str = "letters@campaign.test") -> Letter:
    campaign = CampaignFactory(from_email=from_email)
    LetterTemplateFactory(campaign=campaign)
    submission = SubmissionFactory(campaign=campaign, sender_hash="h")
    return Letter.objects.create(
        submission=submission,
        campaign=campaign,
        office=VerifiedOfficeFactory(email=OFFICE),
        sender_hash="h",
        status=LetterStatus.QUEUED,
        queued_at=timezone.now(),
    )


def post_signed(client, url: str, payload: dict, *, signature: str | None = None, auth: str | None = BASIC_AUTH):
    body = json.dumps(payload)
    headers = {"HTTP_X_POSTAL_SIGNATURE": signature or SIGNER.sign(body.encode())}
    if auth:
        headers["HTTP_AUTHORIZATION"] = auth
    return client.post(url, data=body, content_type="application/json", **headers)


def sent_letter(postal) -> Letter:
    letter = queued_letter()
    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT
    letter.refresh_from_db()
    return letter


def test_the_esp_setting_chooses_the_postal_adapter(postal):
    assert isinstance(esp_adapter(), PostalAdapter)


def test_a_letter_postal_takes_is_sent_with_postals_id_for_the_office(postal):
    letter = sent_letter(postal)

    office_message = next(message for message in postal.messages if message["rcpt_to"] == OFFICE)
    assert letter.esp_message_id == str(office_message["id"])
    [request] = postal.requests
    assert request["to"] == [OFFICE]
    assert request["reply_to"] == letter_reply_address(letter)
    assert request["tag"] == "letter"
    # Postal keeps no metadata: the letter's reference reaches it only inside the reply address.
    assert letter.reply_token not in json.dumps({key: value for key, value in request.items() if key != "reply_to"})
    assert ContactEvent.objects.filter(office=letter.office, channel=ContactChannel.EMAIL_SENT).count() == 1


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "HTTP 503"),
        (429, "<html><body>Too Many Requests</body></html>", "HTTP 429"),
        (
            200,
            {"status": "error", "time": 0.0, "flags": {}, "data": {"code": "ServerSuspended"}},
            "Postal ServerSuspended",
        ),
    ],
)
def test_postal_unavailable_leaves_the_letter_queued(postal, status, body, reason):
    postal.answer_next(status, body)
    letter = queued_letter()

    with pytest.raises(LetterSendTransientError, match=reason):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED


def test_postal_down_leaves_the_letter_queued(postal):
    postal.stop()
    letter = queued_letter()

    with pytest.raises(LetterSendTransientError):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED


def test_a_letter_postal_refuses_fails_with_postals_words(postal):
    letter = queued_letter(from_email="letters@unverified.test")

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    letter.refresh_from_db()
    assert letter.failure_reason == (
        "Postal UnauthenticatedFromAddress: The From address is not authorised to send mail from this server"
    )


def test_a_proxy_refusing_the_request_fails_the_letter_with_its_status(postal):
    postal.answer_next(413, "<html><body><h1>413 Request Entity Too Large</h1></body></html>")
    letter = queued_letter()

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    letter.refresh_from_db()
    assert letter.failure_reason.startswith("HTTP 413")


def test_postal_cannot_say_whether_it_took_a_letter_so_a_retried_letter_is_sent_again(postal):
    letter = queued_letter()
    Letter.objects.filter(pk=letter.pk).update(attempts=1)  # a worker died after an earlier attempt

    assert PostalAdapter().accepted_message_id(letter_ref=letter.reply_token) is None
    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT
    assert len(postal.requests) == 1


def test_send_delivery_and_reply_run_through_anymail(client, postal, django_capture_on_commit_callbacks):
    letter = sent_letter(postal)

    delivered = message_event(
        event="MessageSent",
        status="Sent",
        message_id=int(letter.esp_message_id),
        to=OFFICE,
        details="Message for consulate@mfa.office.test accepted by mx.office.test",
        output="250 2.0.0 Ok: queued as 4F1A2B3C",
    )
    assert post_signed(client, TRACKING_URL, delivered).status_code == 200

    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    assert ContactEvent.objects.filter(office=letter.office, channel=ContactChannel.EMAIL_DELIVERED).count() == 1

    reply = EmailMessage()
    reply["From"] = f"Consulate <{OFFICE}>"
    reply["To"] = letter_reply_address(letter)
    reply["Subject"] = "Re: A protest against Law No. 13673"
    reply["Message-ID"] = "<answer-1@mfa.office.test>"
    reply.set_content("Thank you for your letter. We have passed it on.")
    payload = inbound_payload(
        message_id=233980, rcpt_to=letter_reply_address(letter), mail_from=OFFICE, raw_message=reply.as_bytes()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_signed(client, INBOUND_URL, payload).status_code == 200

    stored = Reply.objects.get()
    assert (stored.state, stored.letter, stored.office) == (ReplyState.MATCHED, letter, letter.office)
    assert stored.inbound_event_id == "233980"
    assert "passed it on" in stored.body_text
    assert [message["rcpt_to"] for message in postal.messages][-1] == letter.submission.email  # forwarded by Postal


def test_a_permanent_failure_bounces_the_letter_and_flags_the_office(client, postal):
    letter = sent_letter(postal)
    failed = message_event(
        event="MessageDeliveryFailed",
        status="HardFail",
        message_id=int(letter.esp_message_id),
        to=OFFICE,
        details="Permanent SMTP delivery error when sending to mx.office.test",
        output="550 5.1.1 <consulate@mfa.office.test>: User unknown",
    )
    assert post_signed(client, TRACKING_URL, failed).status_code == 200

    letter.refresh_from_db()
    letter.office.refresh_from_db()
    assert letter.status == LetterStatus.BOUNCED
    assert "550 5.1.1" in letter.failure_reason
    assert letter.office.email_flagged_at is not None


def test_postal_giving_up_on_a_temporary_refusal_is_a_soft_bounce(client, postal):
    letter = sent_letter(postal)
    delayed = message_event(
        event="MessageDelayed",
        status="SoftFail",
        message_id=int(letter.esp_message_id),
        to=OFFICE,
        output="452 4.2.2 Mailbox full",
    )
    gave_up = message_event(
        event="MessageDeliveryFailed",
        status="HardFail",
        message_id=int(letter.esp_message_id),
        to=OFFICE,
        details="Maximum number of delivery attempts (18) has been reached.",
    )
    assert post_signed(client, TRACKING_URL, delayed).status_code == 200
    letter.refresh_from_db()
    assert (letter.status, letter.soft_bounced_at) == (LetterStatus.SENT, None)  # Postal is still trying

    assert post_signed(client, TRACKING_URL, gave_up).status_code == 200
    letter.refresh_from_db()
    letter.office.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert letter.soft_bounced_at is not None
    assert letter.office.email_flagged_at is None


@pytest.mark.parametrize(
    ("signature", "auth"),
    [(base64.b64encode(b"forged").decode(), BASIC_AUTH), (None, None)],
    ids=["wrong signature", "no basic auth"],
)
def test_a_webhook_without_postals_signature_or_our_secret_changes_nothing(client, postal, signature, auth):
    letter = sent_letter(postal)
    event = message_event(event="MessageSent", status="Sent", message_id=int(letter.esp_message_id), to=OFFICE)

    assert post_signed(client, TRACKING_URL, event, signature=signature, auth=auth).status_code == 400

    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [("POSTAL_API_KEY", "", "common.E008"), ("POSTAL_WEBHOOK_KEY", "not-a-key", "common.E009")],
)
def test_incomplete_postal_settings_fail_the_deploy_check(postal, settings, setting, value, check_id):
    serious = {message.id for message in checks.run_checks(include_deployment_checks=True) if message.is_serious()}
    assert not serious & {"common.E006", "common.E008", "common.E009"}

    settings.ANYMAIL = {**settings.ANYMAIL, setting: value}

    assert check_id in {message.id for message in checks.run_checks(include_deployment_checks=True)}


def test_production_with_esp_postal_sends_through_postal_and_passes_the_deploy_check():
    environment = {
        **{key: value for key, value in COMPLETE_PRODUCTION.items() if key != "POSTMARK_SERVER_TOKEN"},
        "ESP": "postal",
        "POSTAL_API_URL": "https://postal.campaign.test",
        "POSTAL_API_KEY": API_KEY,
        "POSTAL_WEBHOOK_KEY": SIGNER.webhook_key,
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=environment)
    assert result.returncode == 0, result.stdout + result.stderr

    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.LETTER_ESP_ADAPTER)"
    result = manage("shell", "--no-imports", "-c", code, env=environment)
    assert result.stdout.split() == ["campaign.esp.postal.EmailBackend", "campaign.esp.postal.PostalAdapter"]


def test_a_postal_reply_with_a_large_scan_is_taken_and_an_unreadable_one_kept_for_triage(client, postal):
    """Django's 2.5 MB upload limit would refuse a scanned letter; inbound mail has its own, larger limit."""
    letter = sent_letter(postal)
    reply = EmailMessage()
    reply["From"] = f"Consulate <{OFFICE}>"
    reply["To"] = letter_reply_address(letter)
    reply["Subject"] = "Re: your letter"
    reply.set_content("Please find our answer attached.")
    reply.add_attachment(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), maintype="application", subtype="pdf")
    payload = inbound_payload(
        message_id=5001, rcpt_to=letter_reply_address(letter), mail_from=OFFICE, raw_message=reply.as_bytes()
    )

    assert post_signed(client, INBOUND_URL, payload).status_code == 200
    assert Reply.objects.get().letter == letter

    unreadable = {"id": 5002, "message": "not base64 at all", "base64": "yes", "rcpt_to": 7}
    assert post_signed(client, INBOUND_URL, unreadable).status_code == 200
    kept = Reply.objects.get(state=ReplyState.TRIAGE)
    assert "not base64 at all" in kept.raw_payload


def test_a_postal_inbound_over_the_limit_or_unsigned_is_refused(client, postal, settings):
    settings.REPLY_MAX_REQUEST_BYTES = 1000
    big = {"id": 6001, "message": "x" * 2000, "base64": False, "rcpt_to": "a@b.test"}
    assert post_signed(client, INBOUND_URL, big).status_code == 413
    unsigned = post_signed(client, INBOUND_URL, {"id": 6002}, signature="bm90IGEgc2lnbmF0dXJl")
    assert unsigned.status_code == 400
    assert not Reply.objects.exists()
