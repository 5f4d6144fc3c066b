"""Asking supporters "did the embassy reply?": once per submission, opaque one-use links, anonymous answers."""

import datetime
import importlib
import re

from django.apps import apps
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

import pytest

from campaign.models import LetterStatus
from campaign.tokens import opaque_token, token_hash
from tests.campaign.opaque import assert_opaque, assert_stored_nowhere
from tests.factories import LetterFactory, SubmissionFactory
from tracking.models import LetterSurvey, SurveyAnswer
from tracking.selectors import progress_compute
from tracking.services.survey import SurveyOutcome, survey_answer_record, survey_token_make
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
    genuine = _links(mail.outbox[0])[("Embassy of Ukraine in Prague", "no")].rstrip("/").rsplit("/", 1)[1]
    flipped = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
    tampered = [flipped, genuine[:-2] + "xx", genuine.upper(), genuine + "0", genuine[:-1], "garbage", "0" * 4000]

    for token in tampered:
        response = client.post(f"/en/progress/survey/{token}/")
        assert response.status_code == 400
        assert "This link is not valid." in response.content.decode()
    assert SurveyAnswer.objects.count() == 0
    assert not LetterSurvey.objects.filter(answered=True).exists()


def test_a_token_made_for_another_link_is_rejected(client, submission, send_due_surveys):
    send_due_surveys()
    survey = LetterSurvey.objects.first()
    token = opaque_token(purpose="campaign.submission.status", parts=(survey.pk, survey.asked_at))
    assert client.post(f"/en/progress/survey/{token}/").status_code == 400
    assert SurveyAnswer.objects.count() == 0


def test_expired_link(client, submission, send_due_surveys):
    send_due_surveys()
    link = _links(mail.outbox[0])[("Embassy of Ukraine in Prague", "yes")]
    LetterSurvey.objects.update(asked_at=_days_ago(121))  # the link's age counts from the question

    response = client.post(link)
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    assert SurveyAnswer.objects.count() == 0
    assert not LetterSurvey.objects.filter(answered=True).exists()


def test_a_link_is_still_good_just_before_it_expires(client, submission, send_due_surveys):
    send_due_surveys()
    link = _links(mail.outbox[0])[("Embassy of Ukraine in Prague", "no")]
    LetterSurvey.objects.update(asked_at=_days_ago(119))

    assert client.post(link).status_code == 200
    assert SurveyAnswer.objects.get().got_reply is False


def test_links_are_opaque_and_only_their_hashes_are_stored(submission, send_due_surveys):
    send_due_surveys()
    links = _links(mail.outbox[0])
    tokens = {path.rstrip("/").rsplit("/", 1)[1] for path in links.values()}

    assert len(tokens) == 4  # one per office and answer
    for token in tokens:
        assert_opaque(token)
        assert_stored_nowhere(token)
    for survey in LetterSurvey.objects.all():
        assert {survey.yes_token_hash, survey.no_token_hash} <= {token_hash(token) for token in tokens}
        assert survey.yes_token_hash != survey.no_token_hash


def test_a_token_holds_not_even_the_survey_id(submission):
    survey = LetterSurvey.objects.create(pk=73519246, letter=submission.letters.first(), asked_at=timezone.now())
    for got_reply in (True, False):
        assert_opaque(survey_token_make(survey=survey, got_reply=got_reply), ids=(survey.pk,))


def test_survey_token_make_gives_the_links_of_the_email(submission, send_due_surveys):
    send_due_surveys()
    links = set(_links(mail.outbox[0]).values())
    for survey in LetterSurvey.objects.all():
        for got_reply in (True, False):
            assert f"/en/progress/survey/{survey_token_make(survey=survey, got_reply=got_reply)}/" in links


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


@pytest.mark.parametrize("token", ["x", "0" * 39, "0" * 41, "0" * 4000, "g" * 40, "é" * 40, "nonsense:token"])
def test_a_malformed_link_is_refused_without_a_query(client, submission, send_due_surveys, token):
    send_due_surveys()
    with CaptureQueriesContext(connection) as queries:
        assert survey_answer_record(token=token) == SurveyOutcome.INVALID
    assert queries.captured_queries == []
    for method in (client.get, client.head, client.post):
        assert method(f"/en/progress/survey/{token}/").status_code in (200, 400)
    assert SurveyAnswer.objects.count() == 0


def test_the_migration_fills_the_hashes_the_email_links_carry(client, submission, send_due_surveys):
    send_due_surveys()
    link = _links(mail.outbox[0])[("Embassy of Ukraine in Prague", "no")]
    LetterSurvey.objects.update(yes_token_hash="", no_token_hash="")
    migration = importlib.import_module("tracking.migrations.0005_lettersurvey_opaque_link_tokens")

    migration.answer_link_hashes_fill(apps, None)

    assert client.post(link).status_code == 200
    assert SurveyAnswer.objects.get().got_reply is False


def test_a_question_whose_worker_died_before_mailing_is_asked_once_later(submission, send_due_surveys):
    """The rows are committed before the email leaves; a worker killed in between must not lose the question."""
    for letter in submission.letters.all():
        LetterSurvey.objects.create(letter=letter, asked_at=timezone.now() - datetime.timedelta(minutes=1))

    send_due_surveys()
    assert mail.outbox == []  # a live worker may still be mailing it

    LetterSurvey.objects.update(asked_at=timezone.now() - datetime.timedelta(minutes=20))
    send_due_surveys()
    send_due_surveys()

    assert len(mail.outbox) == 1
    assert LetterSurvey.objects.count() == submission.letters.count()
    assert not LetterSurvey.objects.filter(mailed_at__isnull=True).exists()
    stored = set(LetterSurvey.objects.values_list("yes_token_hash", flat=True))
    stored |= set(LetterSurvey.objects.values_list("no_token_hash", flat=True))
    tokens = [url.rstrip("/").rsplit("/", 1)[-1] for url in _links(mail.outbox[0]).values()]
    assert len(tokens) == 2 * submission.letters.count()
    assert {token_hash(token) for token in tokens} == stored  # the fresh links are the ones that work
