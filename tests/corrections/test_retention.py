"""A reporter's email is kept only while it can be of use: some days after the report is resolved, at most."""

import datetime

from django.utils import timezone

import pytest

from corrections.models import OfficeReport, ReportStatus
from corrections.tasks import report_contacts_purge_task
from tests.factories import OfficeReportFactory

pytestmark = pytest.mark.django_db


def report(*, created_days_ago: int, resolved_days_ago: int | None):
    made = OfficeReportFactory(reporter_email="reporter@example.net")
    now = timezone.now()
    changes = {"created_at": now - datetime.timedelta(days=created_days_ago)}
    if resolved_days_ago is not None:
        changes.update(status=ReportStatus.ACCEPTED, resolved_at=now - datetime.timedelta(days=resolved_days_ago))
    OfficeReport.objects.filter(pk=made.pk).update(**changes)
    return made


def test_contacts_are_erased_after_resolution_and_after_the_longest_limit(settings):
    settings.RETENTION_REPORT_CONTACT_DAYS = 14
    settings.RETENTION_REPORT_CONTACT_MAX_DAYS = 60
    fresh_open = report(created_days_ago=5, resolved_days_ago=None)
    resolved_lately = report(created_days_ago=20, resolved_days_ago=3)
    resolved_long_ago = report(created_days_ago=40, resolved_days_ago=20)
    open_too_long = report(created_days_ago=61, resolved_days_ago=None)

    assert report_contacts_purge_task.delay().get() == 2

    emails = dict(OfficeReport.objects.values_list("pk", "reporter_email"))
    assert emails[fresh_open.pk] == emails[resolved_lately.pk] == "reporter@example.net"
    assert emails[resolved_long_ago.pk] == emails[open_too_long.pk] == ""
    assert OfficeReport.objects.count() == 4  # the reports stay; only who sent them is forgotten
