"""The weekly digest: each organiser hears about their own countries only, once a week, and only when something
waits for them."""

import datetime

from django.core import mail
from django.utils import timezone

import pytest

from corrections.models import DigestSent
from corrections.services.digests import digests_send
from corrections.tasks import digests_send_task
from embassies.services import office_email_flag
from tests.corrections.conftest import organiser_for
from tests.factories import OfficeFactory, OfficeReportFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 30)


@pytest.fixture
def waiting(prague, warsaw):
    """In Czechia: an open report, a bounced address and an office nobody verified. In Poland: the same kinds."""
    OfficeReportFactory(office=prague, kind="closed", proposed_phone="")
    office_email_flag(office=prague, reason="550 mailbox unavailable")
    OfficeFactory(host_country="CZ", name="Honorary consulate in Brno", city="Brno")
    OfficeReportFactory(office=warsaw)
    OfficeFactory(host_country="PL", name="Consulate in Kraków", city="Kraków", phone="+48124296635")


def digest_for(address: str):
    sent = [message for message in mail.outbox if message.to == [address]]
    assert len(sent) == 1, [message.to for message in mail.outbox]
    return sent[0]


def test_each_organiser_gets_their_own_countries_only(waiting, organiser_cz, organiser_pl):
    assert digests_send(today=MONDAY) == 2

    czech = digest_for("cz@organisers.example")
    body = czech.body
    assert "2026-W49" in czech.subject
    assert "1 open problem report" in body and "Embassy of Ukraine in Czechia (Praha): The office is closed" in body
    assert "/admin/corrections/officereport/" in body
    assert "1 office whose email bounced" in body and "550 mailbox unavailable" in body
    assert "1 office never verified" in body and "Honorary consulate in Brno" in body
    assert "Poland" not in body and "Warszawa" not in body and "Kraków" not in body
    polish = digest_for("pl@organisers.example").body
    assert "Embassy of Ukraine in Poland" in polish and "Praha" not in polish and "Brno" not in polish
    assert czech.tags == ["organiser-digest"] and czech.track_opens is False


def test_a_second_run_in_the_same_week_sends_nothing_and_the_next_week_sends_again(waiting, organiser_cz):
    assert digests_send(today=MONDAY) == 1
    assert digests_send(today=MONDAY + datetime.timedelta(days=3)) == 0
    assert len(mail.outbox) == 1
    assert DigestSent.objects.filter(user=organiser_cz, week="2026-W49").count() == 1

    assert digests_send(today=MONDAY + datetime.timedelta(days=7)) == 1
    assert len(mail.outbox) == 2


def test_nothing_to_report_sends_no_email(prague, organiser_cz):
    assert digests_send(today=MONDAY) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_only_active_organisers_with_an_address_and_a_scope_get_one(waiting, django_user_model):
    organiser_for(django_user_model, username="no-address", countries=["CZ"])
    gone = organiser_for(django_user_model, username="gone", countries=["CZ"], email="gone@organisers.example")
    gone.is_active = False
    gone.save()
    django_user_model.objects.create_user("staff-only", email="staff@example.org", is_staff=True)

    assert digests_send(today=MONDAY) == 0
    assert mail.outbox == []


def test_a_failed_send_gives_the_week_back_for_the_next_run(waiting, organiser_cz, settings):
    settings.EMAIL_BACKEND = "tests.corrections.test_digest.FailingBackend"
    assert digests_send(today=MONDAY) == 0
    assert not DigestSent.objects.exists()

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    assert digests_send(today=MONDAY) == 1


def test_the_beat_task_takes_no_arguments_and_sends_this_weeks_digest(waiting, organiser_cz):
    assert digests_send_task.delay().get() == 1
    assert DigestSent.objects.get().week == "{}-W{:02d}".format(*timezone.localdate().isocalendar()[:2])


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise OSError("the ESP is down")
