"""The letter form: offices, fields, validation, header injection, oversized and malformed input."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from campaign.forms import CHANNEL_EMAIL, CHANNEL_MAILTO, CHANNEL_PRINT, LetterForm
from campaign.models import Submission
from tests.factories import CampaignFactory, OfficeFactory

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])


def test_form_lists_the_country_offices_with_embassy_and_consulates_prechecked(client, campaign, offices):
    OfficeFactory(host_country="SK", name="Embassy of Ukraine in Slovakia")
    OfficeFactory(name="Closed consulate", active=False)

    page = client.get(FORM_URL).content.decode()

    assert "Embassy of Ukraine in Slovakia" not in page
    assert "Closed consulate" not in page
    for key in ("embassy", "consulate", "honorary", "unverified"):
        assert offices[key].name in page
    form = LetterForm(campaign=campaign, host_country="CZ", channel=CHANNEL_EMAIL)
    assert set(form.initial["offices"]) == {offices["embassy"].pk, offices["consulate"].pk}
    assert page.index("Embassy of Ukraine in Czechia") < page.index("Honorary Consulate")
    assert "print only" in page
    assert "A protest against Law No. 13673" in page  # subject prefilled from the template
    assert "foreign government" in page  # the privacy notice


def test_country_without_offices_is_404(client, campaign, offices):
    assert client.get(reverse("campaign:letter_form", args=["law-13673", "zz"])).status_code == 404


def test_campaign_page_sends_the_chosen_country_to_the_form(client, campaign, offices):
    page = client.get(reverse("campaign:campaign_detail", args=["law-13673"]))
    assert page.content.decode().count('<option value="CZ">Czechia</option>') == 1

    response = client.get(reverse("campaign:campaign_detail", args=["law-13673"]), {"country": "CZ"})

    assert response.status_code == 302
    assert response["Location"] == FORM_URL


def test_preview_shows_each_office_its_own_letter(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(action="preview", office_keys=("embassy", "consulate", "honorary")))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="card preview"') == 3
    assert "Dear Ambassador," in page and "Dear Consul," in page and "Dear Honorary Consul," in page
    assert "citizens of Czechia" in page
    assert Submission.objects.count() == 0


def test_email_is_required_only_for_the_email_channel(campaign, offices, letter_data):
    data = letter_data(email="")
    assert not LetterForm(data, campaign=campaign, host_country="CZ", channel=CHANNEL_EMAIL).is_valid()
    for channel in (CHANNEL_MAILTO, CHANNEL_PRINT):
        form = LetterForm(data, campaign=campaign, host_country="CZ", channel=channel)
        assert form.is_valid(), form.errors
        assert set(form.cleaned_data) >= {
            "offices",
            "language",
            "template",
            "name",
            "city",
            "email",
            "subject",
            "body",
            "personal_paragraph",
            "send_copy",
        }


def test_unverified_office_is_refused_for_email_but_printable(campaign, offices, letter_data):
    data = letter_data(office_keys=("embassy", "unverified"))

    email_form = LetterForm(data, campaign=campaign, host_country="CZ", channel=CHANNEL_EMAIL)
    assert not email_form.is_valid()
    assert "no verified email address" in str(email_form.errors["offices"])
    assert offices["unverified"].name in str(email_form.errors["offices"])
    assert LetterForm(data, campaign=campaign, host_country="CZ", channel=CHANNEL_PRINT).is_valid()


@pytest.mark.parametrize("field", ["name", "city"])
@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r"])
def test_line_breaks_in_header_fields_are_rejected(client, campaign, offices, letter_data, field, line_break):
    value = f"Jana{line_break}Bcc: victim@example.org"

    response = client.post(FORM_URL, letter_data(**{field: value}))

    assert response.status_code == 200
    assert "single line" in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.parametrize(
    "posted",
    [
        {"body": "{salutation}, dear {ambassador_name}"},
        {"body": "{salutation} {host_country:>99999999}"},
        {"subject": "{supporter_name!r}"},
        {"body": "x" * 1_000_000},
        {"body": "Send money to evil.example", "subject": "Spam"},
    ],
)
def test_a_posted_subject_or_body_cannot_replace_the_campaigns_letter(client, campaign, offices, letter_data, posted):
    response = client.post(FORM_URL, letter_data(action="preview", **posted))

    page = response.content.decode()
    assert response.status_code == 200
    assert "We write on behalf of the citizens of Czechia." in page
    assert "ambassador_name" not in page
    assert "evil.example" not in page
    assert "Spam" not in page


@pytest.mark.parametrize("garbage", [["abc"], ["999999"], ["1; DROP TABLE"], ["-1"], [""]])
def test_garbage_office_ids_are_a_form_error(client, campaign, offices, letter_data, garbage):
    data = letter_data()
    data["offices"] = garbage

    response = client.post(FORM_URL, data)

    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()


def test_office_of_another_country_cannot_be_addressed(client, campaign, offices, letter_data):
    slovak = OfficeFactory(host_country="SK", verified_on="2026-01-01")
    data = letter_data()
    data["offices"] = [str(slovak.pk)]

    response = client.post(FORM_URL, data)

    assert response.status_code == 200
    assert Submission.objects.count() == 0


def test_unknown_language_is_a_form_error(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(language="xx"))
    assert response.status_code == 200
    assert Submission.objects.count() == 0


def test_no_recipient_address_is_taken_from_the_request(client, campaign, offices, letter_data, outbox):
    client.post(FORM_URL, {**letter_data(), "to": "attacker@example.org", "email_to": "attacker@example.org"})
    assert all("attacker@example.org" not in message.to for message in outbox)


def test_letter_form_queries_do_not_grow_with_the_number_of_offices(
    client, campaign, offices, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as few:
        assert client.get(FORM_URL).status_code == 200
    for index in range(20):
        OfficeFactory(name=f"Honorary consulate {index}", kind="honorary_consulate", head_title="honorary_consul")

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(FORM_URL).status_code == 200


def test_only_open_campaigns_are_listed_and_reachable(client, campaign, offices):
    closed = CampaignFactory(slug="closed-one", title="A closed campaign", is_open=False)

    listing = client.get(reverse("campaign:campaign_list")).content.decode()

    assert campaign.title in listing and closed.title not in listing
    assert client.get(reverse("campaign:campaign_detail", args=["closed-one"])).status_code == 404
    assert client.get(reverse("campaign:letter_form", args=["closed-one", "cz"])).status_code == 404


def test_campaigns_outside_their_dates_take_no_letters(client, campaign, offices):
    today = timezone.localdate()
    ended = CampaignFactory(slug="ended", title="An ended campaign", ends_on=today - datetime.timedelta(days=1))
    future = CampaignFactory(slug="future", title="A future campaign", starts_on=today + datetime.timedelta(days=1))
    current = CampaignFactory(slug="current", title="A current campaign", starts_on=today, ends_on=today)

    listing = client.get(reverse("campaign:campaign_list")).content.decode()

    assert current.title in listing
    assert ended.title not in listing and future.title not in listing
    for slug in ("ended", "future"):
        assert client.get(reverse("campaign:campaign_detail", args=[slug])).status_code == 404
        assert client.get(reverse("campaign:letter_form", args=[slug, "cz"])).status_code == 404
    assert client.get(reverse("campaign:campaign_detail", args=["current"])).status_code == 200


def test_campaign_countries_sort_by_their_name_in_the_page_language(client, campaign):
    for code in ("AT", "PL", "DE"):
        OfficeFactory(host_country=code, city=f"Capital of {code}")

    response = client.get("/de/c/law-13673/")

    assert [name for _code, name in response.context["countries"]] == ["Deutschland", "Österreich", "Polen"]


@pytest.mark.parametrize("channel", [CHANNEL_EMAIL, CHANNEL_MAILTO, CHANNEL_PRINT])
def test_an_office_is_not_sent_a_letter_in_a_language_it_does_not_take(campaign, offices, letter_data, channel):
    offices["consulate"].languages = "uk,cs"
    offices["consulate"].save(update_fields=["languages"])
    offices["embassy"].languages = ""  # no list: any language
    offices["embassy"].save(update_fields=["languages"])

    form = LetterForm(letter_data(), campaign=campaign, host_country="CZ", channel=channel)

    assert not form.is_valid()
    error = str(form.errors["language"])
    assert "do not take letters in English" in error
    assert offices["consulate"].name in error
    assert offices["embassy"].name not in error
    only_embassy = LetterForm(
        letter_data(office_keys=("embassy",)), campaign=campaign, host_country="CZ", channel=channel
    )
    assert only_embassy.is_valid(), only_embassy.errors


def test_the_form_says_which_languages_each_office_takes(client, campaign, offices):
    offices["consulate"].languages = "uk,cs"
    offices["consulate"].save(update_fields=["languages"])
    page = client.get(FORM_URL).content.decode()
    assert "Letters in: Ukrainian, Czech" in page


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Jan \u202ekávoN", "Jan kávoN"),
        ("Ja\u200bna  No\u2060váková", "Jana Nováková"),
        ("Jana Nova\u0301kova\u0301", "Jana Nováková"),  # decomposed accents become one character each
        ("\ufeffJana", "Jana"),
    ],
)
def test_names_lose_hidden_direction_and_zero_width_characters(client, campaign, offices, letter_data, typed, stored):
    client.post(FORM_URL, letter_data(name=typed, city=typed))

    submission = Submission.objects.get()
    assert (submission.name, submission.city) == (stored, stored)


def test_a_name_of_only_invisible_characters_is_missing(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(name="\u200b\u202e\u200b"))

    assert "This field is required." in response.content.decode()
    assert Submission.objects.count() == 0


def test_the_paragraph_keeps_the_joiners_a_script_needs_but_not_direction_overrides(
    client, campaign, offices, letter_data
):
    client.post(FORM_URL, letter_data(personal_paragraph="می\u200cخواهم \u202eevil"))

    assert Submission.objects.get().personal_paragraph == "می\u200cخواهم evil"


def test_the_letter_page_reads_its_offices_once(client, campaign, offices):
    with CaptureQueriesContext(connection) as page:
        assert client.get(FORM_URL).status_code == 200

    office_reads = [query["sql"] for query in page.captured_queries if 'FROM "embassies_office"' in query["sql"]]
    listing = [sql for sql in office_reads if "DISTINCT" not in sql]  # the other read lists the countries
    assert len(listing) == 1
