"""The review queue: an organiser of the office's country accepts a report, which changes the office through the
office admin's own checks, or rejects it. Nobody else can see or act on it."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest

from corrections.models import OfficeReport, ReportStatus
from corrections.services.reports import office_report_accept, office_report_reject
from tests.factories import OfficeReportFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:corrections_officereport_changelist")


def change_url(report) -> str:
    return reverse("admin:corrections_officereport_change", args=[report.pk])


def action(client, name: str, *reports) -> None:
    client.post(CHANGELIST, {"action": name, ACTION_CHECKBOX_NAME: [report.pk for report in reports], "apply": "1"})


@pytest.fixture
def phone_report(prague):
    return OfficeReportFactory(office=prague, proposed_phone="+420 222 333 444")


def test_the_countrys_organiser_accepts_and_the_new_phone_is_applied(client, phone_report, organiser_cz):
    client.force_login(organiser_cz)

    listed = client.get(CHANGELIST).context["cl"].result_list
    action(client, "accept", phone_report)

    assert phone_report in listed
    phone_report.refresh_from_db()
    phone_report.office.refresh_from_db()
    assert phone_report.status == ReportStatus.ACCEPTED
    assert phone_report.resolved_by == organiser_cz and phone_report.resolved_at is not None
    assert phone_report.office.phone == "+420222333444"  # normalised by the office model's clean()


def test_an_invalid_proposed_phone_is_not_applied_and_the_reason_is_recorded(organiser_cz, prague):
    report = OfficeReportFactory(office=prague, proposed_phone="+420 12")

    outcome = office_report_accept(report=report, user=organiser_cz)

    report.refresh_from_db()
    prague.refresh_from_db()
    assert not outcome.applied and outcome.errors
    assert report.status == ReportStatus.OPEN
    assert "Could not apply the change" in report.resolution_note and "phone" in report.resolution_note.lower()
    assert prague.phone == "+420233342000"


def test_a_foreign_phone_needs_the_organisers_word_as_in_the_office_form(organiser_cz, prague):
    report = OfficeReportFactory(office=prague, proposed_phone="+48 22 625 27 00")

    outcome = office_report_accept(report=report, user=organiser_cz)

    prague.refresh_from_db()
    assert not outcome.applied and "+48" in report.__class__.objects.get().resolution_note
    assert prague.phone == "+420233342000"


def test_an_invalid_proposed_email_is_not_applied(organiser_cz, prague):
    report = OfficeReportFactory(office=prague, kind="email_bounced", proposed_phone="", proposed_email="not an email")

    outcome = office_report_accept(report=report, user=organiser_cz)

    prague.refresh_from_db()
    assert not outcome.applied
    assert prague.email == "emb_cz@mfa.gov.ua" and prague.email_flagged_at is None
    assert OfficeReport.objects.get().status == ReportStatus.OPEN


def test_a_moved_office_gets_its_new_address_and_stays_verified(organiser_cz, prague):
    report = OfficeReportFactory(
        office=prague,
        kind="moved",
        proposed_phone="",
        proposed_street_lines="Vinohradská 12",
        proposed_postcode="120 00",
        proposed_city="Praha 2",
    )

    assert office_report_accept(report=report, user=organiser_cz, note="Checked on their website.").applied

    prague.refresh_from_db()
    report.refresh_from_db()
    assert (prague.street_lines, prague.postcode, prague.city) == ("Vinohradská 12", "120 00", "Praha 2")
    assert prague.email == "emb_cz@mfa.gov.ua" and prague.verified_on is not None
    assert report.resolution_note == "Checked on their website."


def test_a_closed_office_becomes_inactive(organiser_cz, prague, client):
    report = OfficeReportFactory(office=prague, kind="closed", proposed_phone="", details="")

    assert office_report_accept(report=report, user=organiser_cz).applied

    prague.refresh_from_db()
    assert prague.active is False
    assert client.get(reverse("corrections:office_report", args=[prague.pk])).status_code == 404


def test_a_bounced_email_is_flagged_and_a_new_address_replaces_it_unverified(organiser_cz, prague, warsaw, db):
    bounced = OfficeReportFactory(office=prague, kind="email_bounced", proposed_phone="")
    assert office_report_accept(report=bounced, user=organiser_cz).applied
    prague.refresh_from_db()
    assert prague.email_flagged_at is not None and str(bounced.pk) in prague.email_flag_reason

    prague.email_flagged_at, prague.email_flag_reason = None, ""
    prague.save()
    replaced = OfficeReportFactory(
        office=prague, kind="email_bounced", proposed_phone="", proposed_email="new@mfa.gov.ua"
    )
    assert office_report_accept(report=replaced, user=organiser_cz).applied
    prague.refresh_from_db()
    assert prague.email == "new@mfa.gov.ua" and prague.verified_on is None and prague.email_flagged_at is None


def test_a_rejected_report_changes_nothing(client, phone_report, organiser_cz):
    client.force_login(organiser_cz)

    action(client, "reject", phone_report)

    phone_report.refresh_from_db()
    phone_report.office.refresh_from_db()
    assert phone_report.status == ReportStatus.REJECTED and phone_report.resolved_by == organiser_cz
    assert phone_report.office.phone == "+420233342000"


def test_the_change_page_accepts_or_rejects_with_a_note(client, prague, organiser_cz):
    client.force_login(organiser_cz)
    to_reject = OfficeReportFactory(office=prague)
    to_accept = OfficeReportFactory(office=prague, proposed_phone="+420 222 333 444")

    page = client.get(change_url(to_reject))
    rejected = client.post(
        change_url(to_reject), {"resolution_note": "Their website still shows ours.", "_reject": "1"}
    )
    # The organiser corrects the proposed number before accepting it.
    accepted = client.post(
        change_url(to_accept),
        {"resolution_note": "Called them.", "proposed_phone": "+420 222 333 555", "_accept": "1"},
    )

    assert 'name="_accept"' in page.content.decode() and 'name="_reject"' in page.content.decode()
    assert rejected.status_code == 302 and accepted.status_code == 302
    to_reject.refresh_from_db()
    to_accept.refresh_from_db()
    prague.refresh_from_db()
    assert to_reject.status == ReportStatus.REJECTED and to_reject.resolution_note == "Their website still shows ours."
    assert to_accept.status == ReportStatus.ACCEPTED and to_accept.resolution_note == "Called them."
    assert prague.phone == "+420222333555"
    assert 'name="_accept"' not in client.get(change_url(to_accept)).content.decode()


def test_the_change_page_keeps_a_report_open_when_the_change_is_refused(client, prague, organiser_cz):
    client.force_login(organiser_cz)
    report = OfficeReportFactory(office=prague)

    response = client.post(change_url(report), {"resolution_note": "", "proposed_phone": "+420 12", "_accept": "1"})

    report.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == change_url(report)
    assert report.status == ReportStatus.OPEN and "Could not apply" in report.resolution_note


def test_an_organiser_of_another_country_can_neither_see_nor_act(client, phone_report, organiser_pl):
    client.force_login(organiser_pl)

    listed = client.get(CHANGELIST).context["cl"].result_list
    change_page = client.get(change_url(phone_report))
    posted = client.post(change_url(phone_report), {"resolution_note": "mine now", "_accept": "1"})
    action(client, "accept", phone_report)
    action(client, "reject", phone_report)

    assert phone_report not in listed
    assert change_page.status_code == 403 and posted.status_code == 403
    phone_report.refresh_from_db()
    phone_report.office.refresh_from_db()
    assert phone_report.status == ReportStatus.OPEN and phone_report.resolution_note == ""
    assert phone_report.office.phone == "+420233342000"


def test_the_services_refuse_a_reviewer_from_another_country(phone_report, organiser_pl):
    with pytest.raises(PermissionDenied):
        office_report_accept(report=phone_report, user=organiser_pl)
    with pytest.raises(PermissionDenied):
        office_report_reject(report=phone_report, user=organiser_pl)
    phone_report.refresh_from_db()
    assert phone_report.status == ReportStatus.OPEN


def test_the_queue_filters_by_status_kind_and_country(client, phone_report, warsaw, organiser_cz, admin_user):
    OfficeReportFactory(office=warsaw, kind="closed", proposed_phone="")
    client.force_login(admin_user)

    by_country = client.get(CHANGELIST, {"country": "PL"}).context["cl"].result_list
    by_kind = client.get(CHANGELIST, {"kind__exact": "phone_wrong"}).context["cl"].result_list
    by_status = client.get(CHANGELIST, {"status__exact": "accepted"}).context["cl"].result_list

    assert [report.office for report in by_country] == [warsaw]
    assert list(by_kind) == [phone_report]
    assert list(by_status) == []
    assert client.get(reverse("admin:corrections_officereport_add")).status_code == 403
