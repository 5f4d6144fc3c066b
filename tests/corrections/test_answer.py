"""A reporter who left an address hears once how their report was resolved, in their language; then the address
is gone."""

from django.core import mail
from django.urls import reverse

import pytest

from corrections.models import OfficeReport
from corrections.services.reports import office_report_accept, office_report_reject, report_answer_send
from tests.factories import OfficeReportFactory

pytestmark = pytest.mark.django_db


def test_an_accepted_report_is_answered_once_and_the_address_erased(
    organiser_cz, prague, django_capture_on_commit_callbacks
):
    report = OfficeReportFactory(office=prague, reporter_email="me@example.net", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        office_report_accept(report=report, user=organiser_cz)

    [answer] = mail.outbox
    assert answer.to == ["me@example.net"]
    assert answer.subject == "Your report about Embassy of Ukraine in Czechia"
    assert "corrected the directory" in answer.body
    assert f"/en/embassies/cz/#office-{prague.pk}" in answer.body
    report.refresh_from_db()
    assert report.reporter_email == "" and report.answered_at is not None
    assert report_answer_send(report_id=report.pk) is False
    assert len(mail.outbox) == 1


def test_the_answer_is_in_the_reporters_language(organiser_cz, prague, django_capture_on_commit_callbacks):
    report = OfficeReportFactory(office=prague, reporter_email="ja@example.net", language="cs")

    with django_capture_on_commit_callbacks(execute=True):
        office_report_reject(report=report, user=organiser_cz)

    assert "/cs/embassies/cz/" in mail.outbox[0].body


def test_without_an_address_nobody_is_written_to(organiser_cz, prague, django_capture_on_commit_callbacks):
    report = OfficeReportFactory(office=prague)

    with django_capture_on_commit_callbacks(execute=True):
        office_report_reject(report=report, user=organiser_cz)

    assert mail.outbox == []


def test_an_open_report_is_not_answered(prague):
    report = OfficeReportFactory(office=prague, reporter_email="me@example.net")

    assert report_answer_send(report_id=report.pk) is False
    assert mail.outbox == []
    assert OfficeReport.objects.get().reporter_email == "me@example.net"


def test_the_form_keeps_the_reporters_language(client, prague, report_post):
    client.post(
        reverse("corrections:office_report", args=[prague.pk]).replace("/en/", "/uk/"),
        {**report_post, "reporter_email": "me@example.net"},
    )

    assert OfficeReport.objects.get().language == "uk"
