"""Asking supporters "did the embassy reply?": once per submission, signed one-use links, anonymous answers."""

import datetime
import re
import time

from django.core import mail, signing
from django.utils import timezone, translation

import pytest

from campaign.models import LetterStatus
from tests.factories import LetterFactory, SubmissionFactory
from tracking.models import LetterSurvey, SurveyAnswer
from tracking.selectors import progress_compute
from tracking.services.survey import SURVEY_SALT, survey_token_make
from tracking.tasks import reply_survey_send_due_task

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def send_due_surveys(django_capture_on_commit_callbacks):
    """Run the periodic task as beat would: the survey emails it queues are sent once it commits."""

    def send() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            reply_survey_send_due_task.delay()

    return send


@pytest.fixture
def submission(campaign, tracked_offices):
    submission = SubmissionFactory(campaign=campaign)
    LetterFactory(submission=submission, office=tracked_offices["prague"], sent_at=_days_ago(15))
    LetterFactory(
        submission=submission, office=tracked_offices["brno"], sent_at=_days_ago(20), status=LetterStatus.DELIVERED
    )
    return submission


def _links(message) -> dict[tuple[str, str], str]:
    """(office name, yes|no) → path, read from the email text."""
    links, office = {}, None
    for line in message.body.splitlines():
        if line and not line.startswith(" ") and "Ukraine" in line:
            office = line.strip()
        match = re.search(r"(Yes, they replied|No reply): https?://[^/]+(/\S+)", line)
        if match:
            links[(office, "yes" if match.group(1).startswith("Yes") else "no")] = match.group(2)
    return links


def test_one_email_per_submission_after_the_waiting_period(submission, campaign, tracked_offices, send_due_surveys):
    too_recent = SubmissionFactory(campaign=campaign)
    LetterFactory(submission=too_recent, office=tracked_offices["prague"], sent_at=_days_ago(3))
    bounced = SubmissionFactory(campaign=campaign)
    LetterFactory(
        submission=bounced, office=tracked_offices["prague"], sent_at=_days_ago(30), status=LetterStatus.BOUNCED
    )
    erased = SubmissionFactory(campaign=campaign, email="", erased_at=timezone.now())
    LetterFactory(submission=erased, office=tracked_offices["prague"], sent_at=_days_ago(30))

    send_due_surveys()

    assert [message.to for message in mail.outbox] == [[submission.email]]
    message = mail.outbox[0]
    assert message.subject == "Did the embassy reply?"
    assert set(_links(message)) == {
        ("Embassy of Ukraine in Prague", "yes"),
        ("Embassy of Ukraine in Prague", "no"),
        ("Consulate General of Ukraine in Brno", "yes"),
        ("Consulate General of Ukraine in Brno", "no"),
    }
    assert LetterSurvey.objects.count() == 2


def test_asked_only_once(submission, send_due_surveys):
    send_due_surveys()
    send_due_surveys()
    assert len(mail.outbox) == 1


def test_waiting_period_comes_from_settings(submission, settings, send_due_surveys):
    settings.REPLY_SURVEY_AFTER_DAYS = 30
    send_due_surveys()
    assert mail.outbox == []


def test_one_click_records_the_answer_once(client, submission, campaign, tracked_offices, send_due_surveys):
    send_due_surveys()
    yes_link = _links(mail.outbox[0])[("Consulate General of Ukraine in Brno", "yes")]
    no_link = _links(mail.outbox[0])[("Consulate General of Ukraine in Brno", "no")]

    assert client.head(yes_link).status_code == 200
    page = client.get(yes_link)
    assert 'method="post"' in page.content.decode()
    assert SurveyAnswer.objects.count() == 0  # mail scanners open links with HEAD or GET: that records nothing

    done = client.post(yes_link)
    assert done.status_code == 200
    assert "Your answer has been counted." in done.content.decode()

    second = client.post(yes_link)
    posted = client.post(no_link)
    for response in (second, posted):
        assert response.status_code == 200
        assert "already answered. Nothing was changed." in response.content.decode()

    answer = SurveyAnswer.objects.get()
    assert (answer.campaign, answer.office, answer.got_reply) == (campaign, tracked_offices["brno"], True)
    brno = next(o for c in progress_compute(campaign=campaign).countries for o in c.offices if o.name.endswith("Brno"))
    assert (brno.survey_yes, brno.survey_total) == (1, 1)


def test_answers_hold_nothing_about_the_person(submission):
    fields = {field.name for field in SurveyAnswer._meta.get_fields()}
    assert fields == {"id", "campaign", "office", "got_reply", "answered_on"}


def test_tampered_link_is_rejected_with_a_clear_page(client, submission, send_due_surveys):
    send_due_surveys()
    survey_id = LetterSurvey.objects.first().pk
    genuine = survey_token_make(letter_survey_id=survey_id, got_reply=False)
    signature = genuine.rpartition(":")[2]
    forged_payload = signing.dumps({"s": survey_id, "y": 1}, salt=SURVEY_SALT).rpartition(":")[0]
    tampered = [f"{forged_payload}:{signature}", genuine[:-2] + "xx", "garbage"]

    for token in tampered:
        response = client.post(f"/en/progress/survey/{token}/")
        assert response.status_code == 400
        assert "This link is not valid." in response.content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_link_signed_with_another_salt_is_rejected(client, submission, send_due_surveys):
    send_due_surveys()
    token = signing.dumps({"s": LetterSurvey.objects.first().pk, "y": 1}, salt="something.else")
    assert client.post(f"/en/progress/survey/{token}/").status_code == 400
    assert SurveyAnswer.objects.count() == 0


def test_expired_link(client, submission, monkeypatch, send_due_surveys):
    send_due_surveys()
    token = survey_token_make(letter_survey_id=LetterSurvey.objects.first().pk, got_reply=True)

    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 200 * 86400)
    response = client.post(f"/en/progress/survey/{token}/")
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_the_survey_speaks_the_language_the_supporter_wrote_in(campaign, tracked_offices, send_due_surveys):
    submission = SubmissionFactory(campaign=campaign, language="en", interface_language="uk")
    LetterFactory(submission=submission, office=tracked_offices["prague"], sent_at=_days_ago(15))
    mail.outbox = []

    send_due_surveys()

    (message,) = mail.outbox
    with translation.override("uk"):
        yes = translation.gettext("Yes, they replied: %(url)s").split(":")[0]
    assert yes in message.body and "Yes, they replied" not in message.body
    assert "/uk/progress/survey/" in message.body
    assert f"/uk/c/{campaign.slug}/forget/" in message.body  # the erase-my-data link
