"""Plain SMTP (ESP=smtp): letters through the real outbox and Django's SMTP backend to a real local SMTP server.

A refused letter fails with the server's own answer, a server that is down or silent leaves the letter queued
for a retry, and every message's Message-ID names the sender's domain, never the machine (@localhost).
"""

from django.core import checks
from django.utils import timezone

import pytest

from campaign.emails import confirmation_message_build, letter_message_build
from campaign.esp import esp_adapter
from campaign.esp.smtp import SmtpAdapter
from campaign.models import Letter, LetterStatus, ReplyCapture
from campaign.services.outbox import LetterSendTransientError, letter_send
from common.mail import mail_send
from tests.factories import CampaignFactory, LetterTemplateFactory, SubmissionFactory, VerifiedOfficeFactory

from .smtp_server import LocalSmtpServer

pytestmark = pytest.mark.django_db

OFFICE = "consulate@mfa.office.test"


@pytest.fixture
def smtp_server(settings):
    server = LocalSmtpServer().start()
    settings.EMAIL_BACKEND = "campaign.esp.smtp.EmailBackend"
    settings.LETTER_ESP_ADAPTER = "campaign.esp.smtp.SmtpAdapter"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def queued_letter(**submission_fields) -> Letter:
    campaign = CampaignFactory(from_email="letters@campaign.test", reply_capture=ReplyCapture.CC)
    LetterTemplateFactory(campaign=campaign)
    submission = SubmissionFactory(campaign=campaign, sender_hash="h", **submission_fields)
    return Letter.objects.create(
        submission=submission,
        campaign=campaign,
        office=VerifiedOfficeFactory(email=OFFICE),
        sender_hash="h",
        status=LetterStatus.QUEUED,
        queued_at=timezone.now(),
    )


def test_the_esp_setting_chooses_the_smtp_adapter(smtp_server):
    assert isinstance(esp_adapter(), SmtpAdapter)


def test_a_letter_the_server_takes_is_sent_with_a_message_id_of_the_campaigns_domain(smtp_server):
    letter = queued_letter()

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    letter.refresh_from_db()
    (mail_from, recipients, message) = smtp_server.received[0]
    assert (mail_from, recipients) == ("letters@campaign.test", [OFFICE])
    assert letter.esp_message_id == message["Message-ID"]
    assert letter.esp_message_id.endswith("@campaign.test>")
    assert "localhost" not in message["Message-ID"]


def test_an_office_refusing_the_letter_fails_it_with_the_servers_answer(smtp_server):
    smtp_server.refuse(OFFICE, "550 5.1.1 <consulate@mfa.office.test>: Recipient address rejected: User unknown")
    letter = queued_letter()

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert letter.failure_reason == "550 5.1.1 <consulate@mfa.office.test>: Recipient address rejected: User unknown"
    assert smtp_server.received == []


def test_a_refused_office_fails_the_letter_even_when_the_server_takes_the_reply_address_in_cc(smtp_server):
    # Django's own SMTP backend drops the refusal of one recipient when the server takes another.
    smtp_server.refuse(OFFICE, "550 5.7.1 Message rejected by policy")
    letter = queued_letter(share_email=True)

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    letter.refresh_from_db()
    assert letter.failure_reason == "550 5.7.1 Message rejected by policy"
    [(_sender, recipients, _message)] = smtp_server.received
    assert OFFICE not in recipients and len(recipients) == 1  # only the Cc'd reply address got a copy


def test_a_message_refused_after_data_fails_the_letter_with_the_servers_answer(smtp_server):
    smtp_server.data_answer = "554 5.7.1 Spam message rejected"
    letter = queued_letter()

    assert letter_send(letter_id=letter.pk) == LetterStatus.FAILED

    letter.refresh_from_db()
    assert letter.failure_reason == "554 5.7.1 Spam message rejected"


def test_a_temporary_refusal_puts_the_letter_back_in_the_queue(smtp_server):
    smtp_server.refuse(OFFICE, "450 4.2.0 <consulate@mfa.office.test>: Recipient address rejected: Greylisted")
    letter = queued_letter()

    with pytest.raises(LetterSendTransientError, match="450 4.2.0"):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED


@pytest.mark.parametrize("trouble", ["down", "silent", "busy"])
def test_a_server_that_is_down_silent_or_busy_leaves_the_letter_queued(smtp_server, settings, trouble):
    if trouble == "down":
        smtp_server.stop()
    elif trouble == "silent":
        settings.EMAIL_TIMEOUT = 1
        smtp_server.greeting_delay = 3
    else:
        smtp_server.greeting = "421 4.3.2 Service not available, closing transmission channel"
    letter = queued_letter()

    with pytest.raises(LetterSendTransientError, match="Mail server unavailable"):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED


def test_a_letter_keeps_its_message_id_at_every_attempt():
    letter = queued_letter()
    ids = {letter_message_build(letter, closing="Yours").extra_headers["Message-ID"] for _attempt in range(2)}
    assert len(ids) == 1
    assert ids.pop().endswith("@campaign.test>")
    assert letter.reply_token not in letter_message_build(letter, closing="Yours").extra_headers["Message-ID"]


def test_supporter_mail_carries_a_message_id_of_the_campaigns_domain(smtp_server):
    letter = queued_letter()
    message = confirmation_message_build(submission=letter.submission, token="t", language="en")

    mail_send(message)

    [(_sender, _recipients, received)] = smtp_server.received
    assert received["Message-ID"].endswith("@campaign.test>")


def test_tls_and_ssl_together_fail_the_deploy_check(settings):
    settings.EMAIL_BACKEND = "campaign.esp.smtp.EmailBackend"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = True
    assert "common.E010" in {message.id for message in checks.run_checks(include_deployment_checks=True)}
