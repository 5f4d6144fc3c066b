"""The organisers' dashboard: access, filters with validation, letters per day, bounced offices, CSV, no personal data."""

import csv
import datetime
import io

from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

import pytest

from campaign.models import ContactChannel
from campaign.services import contact_record
from common.permissions import ORGANISERS_GROUP
from embassies.services import office_email_flag, organiser_scope_set
from tests.factories import CampaignFactory, LetterFactory, SubmissionFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("tracking:dashboard")
EXPORT = reverse("tracking:dashboard_csv")


@pytest.fixture
def organiser(client):
    user = User.objects.create_user("organiser", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=["CZ", "PL"])
    client.force_login(user)
    return client


@pytest.fixture
def activity(campaign, tracked_offices):
    """Contacts on three days, and a supporter whose data must never appear."""
    today = timezone.localdate()
    for days_ago, office, channel, quantity in [
        (10, tracked_offices["prague"], ContactChannel.EMAIL_SENT, 2),
        (10, tracked_offices["prague"], ContactChannel.EMAIL_DELIVERED, 2),
        (5, tracked_offices["warsaw"], ContactChannel.POST, 3),
        (1, tracked_offices["brno"], ContactChannel.CALL, 1),
    ]:
        moment = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(12))
        )
        contact_record(campaign=campaign, office=office, channel=channel, quantity=quantity, occurred_at=moment)
    submission = SubmissionFactory(campaign=campaign, name="Oleksandr Secretname", email="oleksandr@private.example")
    LetterFactory(submission=submission, office=tracked_offices["prague"])
    return today


def test_anonymous_is_sent_to_log_in(client, campaign):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert client.get(EXPORT).status_code == 302


def test_staff_without_the_permission_is_refused(client, campaign):
    client.force_login(User.objects.create_user("helper", password="x", is_staff=True))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_non_staff_user_with_the_permission_is_refused(client, campaign):
    user = User.objects.create_user("former-staff", password="x", is_staff=False)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    assert client.get(DASHBOARD).status_code == 403


def test_organiser_sees_totals_chart_and_no_personal_data(organiser, campaign, activity):
    response = organiser.get(DASHBOARD, {"campaign": campaign.pk})
    html = response.content.decode()

    assert response.status_code == 200
    assert "3 of 3 offices reached" in html
    assert 'class="chart day-chart"' in html
    assert "Secretname" not in html and "oleksandr@private.example" not in html


def test_letters_per_day_counts_each_day_and_fills_gaps(organiser, campaign, activity):
    since = activity - datetime.timedelta(days=10)
    response = organiser.get(
        DASHBOARD, {"campaign": campaign.pk, "date_from": since.isoformat(), "date_to": activity.isoformat()}
    )
    days = response.context["days"]

    assert len(days) == 11
    assert dict(days)[since] == 2  # delivered emails are not counted twice
    assert dict(days)[activity - datetime.timedelta(days=5)] == 3
    assert dict(days)[activity - datetime.timedelta(days=3)] == 0


def test_filters_by_country_and_dates(organiser, campaign, activity):
    by_country = organiser.get(DASHBOARD, {"campaign": campaign.pk, "country": "PL"}).context["progress"]
    assert by_country.offices_listed == 1 and by_country.totals[ContactChannel.POST] == 3

    recent = organiser.get(
        DASHBOARD, {"campaign": campaign.pk, "date_from": (activity - datetime.timedelta(days=6)).isoformat()}
    ).context["progress"]
    assert recent.totals[ContactChannel.EMAIL_SENT] == 0
    assert recent.totals[ContactChannel.POST] == 3 and recent.totals[ContactChannel.CALL] == 1


def test_filters_by_campaign(organiser, campaign, activity, tracked_offices):
    other = CampaignFactory(title="Another campaign")
    contact_record(campaign=other, office=tracked_offices["prague"], channel=ContactChannel.FAX, quantity=9)
    progress = organiser.get(DASHBOARD, {"campaign": other.pk}).context["progress"]
    assert progress.totals[ContactChannel.FAX] == 9 and progress.totals[ContactChannel.POST] == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "The start date is after the end date."),
        ({"date_from": "not a date"}, "Enter a valid date."),
        ({"country": "XX"}, "Select a valid choice."),
        ({"campaign": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_filters_show_errors_not_500(organiser, campaign, query, message):
    response = organiser.get(DASHBOARD, {"campaign": campaign.pk, **query})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert organiser.get(EXPORT, {"campaign": campaign.pk, **query}).status_code == 400


def test_bounced_offices_are_listed_to_fix(organiser, campaign, tracked_offices):
    office_email_flag(office=tracked_offices["warsaw"], reason="550 mailbox unavailable")
    html = organiser.get(DASHBOARD, {"campaign": campaign.pk}).content.decode()
    section = html[html.index("Bounced offices to fix") :]
    assert "Embassy of Ukraine in Warsaw" in section and "550 mailbox unavailable" in section
    assert "Embassy of Ukraine in Prague" not in section[: section.index("</section>")]


def test_csv_export_has_the_counts_and_no_personal_data(organiser, campaign, activity, tracked_offices):
    response = organiser.get(EXPORT, {"campaign": campaign.pk})
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    by_office = {row["office"]: row for row in rows}
    assert set(by_office) == {tracked_offices[key].name for key in ("prague", "brno", "warsaw")}
    assert by_office["Embassy of Ukraine in Prague"]["email_sent"] == "2"
    assert by_office["Embassy of Ukraine in Warsaw"]["post"] == "3"
    assert by_office["Consulate General of Ukraine in Brno"]["contacts"] == "1"
    assert "Secretname" not in text and "oleksandr@private.example" not in text and "@" not in text


def test_csv_neutralises_spreadsheet_formulas(organiser, campaign):
    VerifiedOfficeFactory(name='=HYPERLINK("http://evil")', city="Lviv", host_country="PL")
    text = organiser.get(EXPORT, {"campaign": campaign.pk}).content.decode()
    assert "'=HYPERLINK" in text


def _many_offices(campaign, count):
    for index in range(count):
        office = VerifiedOfficeFactory(host_country=("DE", "FR", "IT")[index % 3])
        contact_record(campaign=campaign, office=office, channel=ContactChannel.EMAIL_SENT)
        contact_record(campaign=campaign, office=office, channel=ContactChannel.POST, quantity=2)
        if index % 4 == 0:
            office_email_flag(office=office, reason="bounced")


def test_dashboard_query_count_is_constant(organiser, campaign, django_assert_num_queries):
    # session, user, 2 × permissions, the organiser's countries, campaign, offices, contacts, replies, answers,
    # letters per day, bounced offices, the campaign choices of the filter form
    organiser_scope_set(user=User.objects.get(username="organiser"), host_countries=["DE", "FR", "IT"])
    _many_offices(campaign, 2)
    with django_assert_num_queries(13):
        organiser.get(DASHBOARD, {"campaign": campaign.pk})
    _many_offices(campaign, 60)
    with django_assert_num_queries(13):
        response = organiser.get(DASHBOARD, {"campaign": campaign.pk})
    assert response.context["progress"].offices_listed == 62


def test_dashboard_without_any_campaign_explains_instead_of_failing(organiser):
    response = organiser.get(DASHBOARD)
    assert response.status_code == 200
    assert "There is no campaign yet." in response.content.decode()


def test_the_dashboard_states_the_bounce_rule_with_the_configured_numbers(organiser, campaign, settings):
    settings.SOFT_BOUNCES_TO_FLAG = 4
    settings.SOFT_BOUNCE_WINDOW_DAYS = 21

    page = organiser.get(DASHBOARD, {"campaign": campaign.pk}).content.decode()

    assert "once 4 letters to it bounced temporarily within 21 days" in page
    assert "One temporary bounce" in page
