"""The supporter's own emails are durable: a confirmation or copy whose task was lost (broker down, worker killed)
is swept and sent, once."""

import datetime

from django.conf import settings
from django.core import mail
from django.utils import timezone

import pytest
from kombu.exceptions import OperationalError

from campaign.models import Submission
from campaign.services.supporter_mail import supporter_mail_sweep
from campaign.tasks import submission_confirmation_send_task, submission_copy_send_task

from .conftest import confirm_link

pytestmark = pytest.mark.django_db(transaction=True)

FORM_URL = "/en/c/law-13673/cz/"
LATER = datetime.timedelta(minutes=3)


def test_a_confirmation_queued_while_the_broker_was_down_is_swept_and_sent_once(
    client, campaign, offices, letter_data, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(submission_confirmation_send_task, "delay", refuse)
    mail.outbox = []
    response = client.post(FORM_URL, letter_data())
    assert response.status_code == 302
    assert mail.outbox == []  # stored, not yet mailed
    monkeypatch.undo()

    assert supporter_mail_sweep() == 0  # too early: the task may still be on its way
    assert supporter_mail_sweep(now=timezone.now() + LATER) == 1
    assert supporter_mail_sweep(now=timezone.now() + LATER) == 0

    assert len(mail.outbox) == 1 and "/confirm/" in mail.outbox[0].body
    assert Submission.objects.get().confirmation_sent_at is not None


def test_a_confirmation_whose_worker_died_after_claiming_it_is_sent_by_the_sweep(
    client, campaign, offices, letter_data
):
    client.post(FORM_URL, letter_data())
    submission = Submission.objects.get()
    Submission.objects.filter(pk=submission.pk).update(
        confirmation_sent_at=None, confirmation_claimed_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    mail.outbox = []

    assert supporter_mail_sweep(now=timezone.now() + LATER) == 1

    assert len(mail.outbox) == 1


def test_a_fresh_claim_belongs_to_a_live_worker_and_is_left_alone(client, campaign, offices, letter_data):
    client.post(FORM_URL, letter_data())
    Submission.objects.update(confirmation_sent_at=None, confirmation_claimed_at=timezone.now())
    mail.outbox = []

    assert supporter_mail_sweep(now=timezone.now() + LATER) == 0
    assert submission_confirmation_send_task.delay(Submission.objects.get().pk, "en").get() is False
    assert mail.outbox == []


def test_a_copy_lost_with_the_broker_is_swept_and_sent_once(client, campaign, offices, letter_data, monkeypatch):
    client.post(FORM_URL, letter_data(send_copy="on"))
    link = confirm_link(mail.outbox[0]).replace(settings.SITE_URL, "")

    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(submission_copy_send_task, "delay", refuse)
    mail.outbox = []
    client.post(link)
    assert [message for message in mail.outbox if message.to == ["jana@example.org"]] == []
    monkeypatch.undo()

    assert supporter_mail_sweep(now=timezone.now() + LATER) == 1
    assert supporter_mail_sweep(now=timezone.now() + LATER) == 0

    copies = [message for message in mail.outbox if message.to == ["jana@example.org"]]
    assert len(copies) == 1 and "/letters/" in copies[0].body
