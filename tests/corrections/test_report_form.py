"""Anyone can report a problem with an office, without an account; robots, floods and markup are refused."""

from django.urls import reverse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corrections.models import OfficeReport, ReportKind, ReportStatus
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def form_url(office) -> str:
    return reverse("corrections:office_report", args=[office.pk])


def test_the_form_shows_the_offices_current_details_and_works_without_javascript(client, prague):
    page = client.get(form_url(prague))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Charlese de Gaulla 29" in html and "emb_cz@mfa.gov.ua" in html and "+420 233 342 000" in html
    assert '<input type="radio" name="kind"' in html and "<script" not in html
    assert page["Referrer-Policy"] == "no-referrer"


def test_a_valid_report_is_stored_open_for_the_organisers_and_thanks_the_reporter(client, prague, report_post):
    response = client.post(form_url(prague), {**report_post, "reporter_email": "me@example.net"})

    assert response.status_code == 302
    assert response["Location"] == reverse("corrections:office_report_sent", args=[prague.pk])
    report = OfficeReport.objects.get()
    assert report.office == prague and report.kind == ReportKind.PHONE_WRONG
    assert report.status == ReportStatus.OPEN
    assert report.proposed_phone == "+420222333444"  # normalised like the directory's numbers
    assert report.reporter_email == "me@example.net"
    assert "Thank you" in client.get(response["Location"]).content.decode()
    prague.refresh_from_db()
    assert prague.phone == "+420233342000"  # nothing changes before an organiser accepts


def test_values_that_do_not_fit_the_problem_are_not_kept(client, prague, report_post):
    posted = {
        **report_post,
        "kind": "closed",
        "details": "",
        "proposed_city": "Brno",
        "proposed_email": "new@mfa.gov.ua",
    }
    assert client.post(form_url(prague), posted).status_code == 302

    report = OfficeReport.objects.get()
    assert (report.proposed_city, report.proposed_email, report.proposed_phone) == ("", "", "")


def test_a_problem_without_any_detail_is_refused(client, prague, report_post):
    response = client.post(form_url(prague), {**report_post, "kind": "other", "details": "", "proposed_phone": ""})

    assert response.status_code == 400
    assert "Please tell us what is wrong." in response.content.decode()
    assert not OfficeReport.objects.exists()


def test_an_impossible_phone_number_is_refused_on_the_form(client, prague, report_post):
    response = client.post(form_url(prague), {**report_post, "proposed_phone": "12"})

    assert response.status_code == 400
    assert not OfficeReport.objects.exists()


@pytest.mark.parametrize(
    "field", ["details", "proposed_street_lines", "proposed_city", "proposed_phone", "proposed_postcode"]
)
def test_html_is_refused(client, prague, report_post, field):
    kind = "moved" if field in ("proposed_street_lines", "proposed_city", "proposed_postcode") else "phone_wrong"
    posted = {**report_post, "kind": kind, "details": "moved", field: '<a href="https://evil.example">x</a>'}

    response = client.post(form_url(prague), posted)

    assert response.status_code == 400
    assert "Please write plain text, without HTML." in response.content.decode()
    assert not OfficeReport.objects.exists()


def test_the_honeypot_and_the_fill_time_stop_robots(client, prague, report_post):
    trapped = client.post(form_url(prague), {**report_post, "website": "http://spam.example"})
    hurried = client.post(form_url(prague), {**report_post, "form_started": ""})

    assert trapped.status_code == 400 and "Leave this field empty" in trapped.content.decode()
    assert hurried.status_code == 400 and "The form was damaged" in hurried.content.decode()
    assert not OfficeReport.objects.exists()


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(client, prague, report_post):
    fresh = client.get(form_url(prague)).context["form"]["form_started"].value()

    response = client.post(form_url(prague), {**report_post, "form_started": fresh})

    assert response.status_code == 400
    assert "faster than a person" in response.content.decode()
    assert not OfficeReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, prague, report_post, settings):
    settings.RATE_LIMIT_OFFICE_REPORTS_PER_IP = 2

    statuses = [client.post(form_url(prague), report_post).status_code for _ in range(3)]
    from_elsewhere = client.post(form_url(prague), report_post, REMOTE_ADDR="198.51.100.7")

    assert statuses == [302, 302, 429]
    assert from_elsewhere.status_code == 302
    assert OfficeReport.objects.count() == 3


def test_an_unknown_or_closed_office_is_404(client, prague):
    closed = OfficeFactory(active=False, name="Closed consulate")

    assert client.get(reverse("corrections:office_report", args=[999999])).status_code == 404
    assert client.get(form_url(closed)).status_code == 404
    assert client.get(reverse("corrections:office_report_sent", args=[closed.pk])).status_code == 404


def test_the_directory_links_every_office_to_its_form_and_says_when_it_was_verified(client, prague):
    unverified = OfficeFactory(host_country="CZ", name="Honorary consulate in Brno", city="Brno")

    html = client.get(reverse("embassies:country_detail", args=["cz"])).content.decode()

    assert form_url(prague) in html and form_url(unverified) in html
    assert "Report a problem with this office" in html
    assert "Last verified" in html and "Unverified" in html


TEXT = st.text(max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.one_of(st.sampled_from(ReportKind.values), TEXT),
    details=TEXT,
    street=TEXT,
    postcode=TEXT,
    city=TEXT,
    email=TEXT,
    phone=TEXT,
    reporter=TEXT,
    started=st.one_of(st.just(None), TEXT),
)
def test_random_input_never_gives_a_server_error(
    client, prague, report_post, kind, details, street, postcode, city, email, phone, reporter, started
):
    values = {
        "kind": kind,
        "details": details,
        "proposed_street_lines": street,
        "proposed_postcode": postcode,
        "proposed_city": city,
        "proposed_email": email,
        "proposed_phone": phone,
        "reporter_email": reporter,
    }
    if started is not None:
        values["form_started"] = started

    response = client.post(form_url(prague), {**report_post, **values})

    assert response.status_code in (302, 400, 429)
