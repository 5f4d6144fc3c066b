"""Tracking's emails leave with no row locked, exactly once: reply forwards, the survey, organiser notices."""

import datetime

from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend

from campaign.models import LetterStatus, Submission
from common.permissions import ORGANISERS_GROUP
from embassies.services import organiser_scope_set
from tests.campaign.esp_backends import esp_error
from tests.factories import LetterFactory, VerifiedOfficeFactory
from tracking.models import LetterSurvey, Reply, ReplyState
from tracking.services.delivery import letter_delivery_apply
from tracking.services.replies import FORWARD_CLAIM_STALE_AFTER, replies_forward_sweep, reply_forward
from tracking.services.survey import survey_send

pytestmark = pytest.mark.django_db


class DownBackend(AnymailTestBackend):
    def post_to_esp(self, payload, message):
        raise esp_error(503, "Service Unavailable")


@pytest.fixture
def reply():
    letter = LetterFactory(office=VerifiedOfficeFactory(name="Consulate of Ukraine in Brno"))
    return Reply.objects.create(
        state=ReplyState.MATCHED,
        letter=letter,
        campaign=letter.campaign,
        office=letter.office,
        received_at=timezone.now(),
        subject="Re: Law 13673",
        body_text="We passed your letter on.",
        from_address="consulate@mfa.example",
    )


def forwards_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def test_a_reply_is_forwarded_once_however_often_the_task_runs(reply):
    assert reply_forward(reply_id=reply.pk) is True
    assert reply_forward(reply_id=reply.pk) is False

    assert len(forwards_to(reply.letter.submission.email)) == 1
    reply.refresh_from_db()
    assert reply.forwarded_at is not None


def test_a_claimed_reply_is_not_sent_by_a_second_worker(reply):
    Reply.objects.filter(pk=reply.pk).update(forward_claimed_at=timezone.now())  # another worker is sending it

    assert reply_forward(reply_id=reply.pk) is False
    assert mail.outbox == []


def test_a_failed_forward_gives_its_claim_back_for_the_retry(reply, settings):
    settings.EMAIL_BACKEND = "tests.tracking.test_mail_after_commit.DownBackend"
    with pytest.raises(Exception, match="503"):
        reply_forward(reply_id=reply.pk)
    reply.refresh_from_db()
    assert (reply.forward_claimed_at, reply.forwarded_at) == (None, None)

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    assert reply_forward(reply_id=reply.pk) is True
    assert len(mail.outbox) == 1


def test_a_forward_whose_worker_died_is_swept_and_sent(reply, django_capture_on_commit_callbacks):
    stale = timezone.now() - FORWARD_CLAIM_STALE_AFTER - datetime.timedelta(minutes=1)
    Reply.objects.filter(pk=reply.pk).update(forward_claimed_at=stale)

    with django_capture_on_commit_callbacks(execute=True):
        assert replies_forward_sweep() == 1

    reply.refresh_from_db()
    assert reply.forwarded_at is not None
    assert len(mail.outbox) == 1
    assert replies_forward_sweep() == 0


def test_a_reply_never_handed_to_a_worker_is_swept_and_sent(reply, django_capture_on_commit_callbacks):
    """The broker was down when the reply came in: no task, no claim."""
    received = timezone.now() - FORWARD_CLAIM_STALE_AFTER - datetime.timedelta(minutes=1)
    Reply.objects.filter(pk=reply.pk).update(received_at=received)

    with django_capture_on_commit_callbacks(execute=True):
        assert replies_forward_sweep() == 1

    assert len(forwards_to(reply.letter.submission.email)) == 1


def test_replies_of_erased_supporters_are_not_swept(reply):
    stale = timezone.now() - FORWARD_CLAIM_STALE_AFTER - datetime.timedelta(minutes=1)
    Reply.objects.filter(pk=reply.pk).update(received_at=stale)
    Submission.objects.filter(pk=reply.letter.submission_id).update(erased_at=timezone.now(), email="")

    assert replies_forward_sweep() == 0


@pytest.fixture
def due_letter():
    sent = timezone.now() - datetime.timedelta(days=30)
    return LetterFactory(status=LetterStatus.DELIVERED, sent_at=sent)


def test_a_survey_that_could_not_be_sent_is_asked_again(due_letter, settings):
    settings.EMAIL_BACKEND = "tests.tracking.test_mail_after_commit.DownBackend"
    with pytest.raises(Exception, match="503"):
        survey_send(submission_id=due_letter.submission_id)
    assert not LetterSurvey.objects.exists()

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    assert survey_send(submission_id=due_letter.submission_id) == 1
    assert survey_send(submission_id=due_letter.submission_id) == 0
    assert len(mail.outbox) == 1
    assert LetterSurvey.objects.filter(letter=due_letter).exists()


def organiser(django_user_model, username: str, countries: list[str]):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password="pw-123456", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=countries)
    return user


def test_a_bounce_tells_the_organisers_of_that_country_once(django_user_model, django_capture_on_commit_callbacks):
    czech = organiser(django_user_model, "olena", ["CZ"])
    organiser(django_user_model, "piotr", ["PL"])
    office = VerifiedOfficeFactory(host_country="CZ", name="Embassy of Ukraine in Czechia")
    first, second = (
        LetterFactory(office=office, esp_message_id=message_id, status=LetterStatus.SENT)
        for message_id in ("esp-1", "esp-2")
    )

    with django_capture_on_commit_callbacks(execute=True):
        letter_delivery_apply(event_type="bounced", message_id="esp-1", event_id="e1", description="Mailbox unknown")
        assert mail.outbox == []  # nothing leaves before the commit
    with django_capture_on_commit_callbacks(execute=True):
        letter_delivery_apply(event_type="bounced", message_id="esp-2", event_id="e2", description="Mailbox unknown")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (LetterStatus.BOUNCED, LetterStatus.BOUNCED)
    assert [message.to for message in mail.outbox] == [[czech.email]]
    notice = mail.outbox[0]
    assert "Embassy of Ukraine in Czechia" in notice.subject
    assert "Mailbox unknown" in notice.body
    assert f"/admin/embassies/office/{office.pk}/change/" in notice.body
