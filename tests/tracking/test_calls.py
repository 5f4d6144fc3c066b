"""The office page: numbers, call script, and anonymous "I called" / "I sent a fax" counts with a rate limit."""

import datetime

from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

import pytest

from campaign.models import ContactChannel, ContactEvent
from tracking.models import CallScript
from tracking.selectors import progress_compute

pytestmark = pytest.mark.django_db


def _office_url(campaign, office):
    return reverse("tracking:office", args=[campaign.slug, office.pk])


def _report_url(campaign, office):
    return reverse("tracking:office_report", args=[campaign.slug, office.pk])


def test_office_page_shows_phone_in_both_formats_fax_and_buttons(client, campaign, tracked_offices):
    html = client.get(_office_url(campaign, tracked_offices["brno"])).content.decode()

    assert 'href="tel:+420541240123"' in html
    assert "+420 541 240 123" in html  # international format
    assert "(541 240 123 from within the country)" in html  # national format
    assert "+420 541 240 124" in html  # the fax
    assert 'value="call"' in html and 'value="fax"' in html
    assert "<script" not in html


def test_office_without_fax_offers_no_fax_button(client, campaign, tracked_offices):
    html = client.get(_office_url(campaign, tracked_offices["warsaw"])).content.decode()
    assert "No fax number is listed." in html
    assert 'value="fax"' not in html


def test_call_script_in_the_page_language_with_english_fallback(client, campaign, tracked_offices):
    CallScript.objects.create(campaign=campaign, language="en", text="Hello, I am calling about Law 13673.")
    CallScript.objects.create(campaign=campaign, language="cs", text="Dobrý den, volám kvůli zákonu 13673.")
    url = _office_url(campaign, tracked_offices["brno"])

    assert "Dobrý den" in client.get(url.replace("/en/", "/cs/", 1)).content.decode()
    assert "Hello, I am calling" in client.get(url.replace("/en/", "/de/", 1)).content.decode()


def test_one_call_script_per_campaign_and_language(campaign):
    CallScript.objects.create(campaign=campaign, language="en", text="One")
    with pytest.raises(IntegrityError):
        CallScript.objects.create(campaign=campaign, language="en", text="Two")


def test_i_called_counts_anonymously_and_shows_on_the_progress_page(client, campaign, tracked_offices):
    response = client.post(_report_url(campaign, tracked_offices["brno"]), {"channel": "call"}, follow=True)
    client.post(_report_url(campaign, tracked_offices["brno"]), {"channel": "fax"})

    assert "Your call has been counted." in response.content.decode()
    event_fields = {field.name for field in ContactEvent._meta.get_fields()}
    assert event_fields == {
        "id",
        "campaign",
        "office",
        "channel",
        "quantity",
        "occurred_at",
    }  # nothing about the caller
    totals = progress_compute(campaign=campaign).totals
    assert (totals[ContactChannel.CALL], totals[ContactChannel.FAX]) == (1, 1)


def test_reports_are_rate_limited_per_address(client, campaign, tracked_offices, settings):
    settings.CALL_LOG_LIMIT_PER_HOUR = 3
    url = _report_url(campaign, tracked_offices["brno"])
    statuses = [client.post(url, {"channel": "call"}, REMOTE_ADDR="203.0.113.5").status_code for _ in range(5)]

    assert statuses == [302, 302, 302, 429, 429]
    limited = client.post(url, {"channel": "call"}, REMOTE_ADDR="203.0.113.5")
    assert "Please try again later." in limited.content.decode()
    assert client.post(url, {"channel": "call"}, REMOTE_ADDR="198.51.100.7").status_code == 302  # someone else
    assert progress_compute(campaign=campaign).totals[ContactChannel.CALL] == 4


def test_other_channels_cannot_be_reported(client, campaign, tracked_offices):
    response = client.post(_report_url(campaign, tracked_offices["brno"]), {"channel": "email_sent"})
    assert response.status_code == 400
    assert "Choose a phone call or a fax." in response.content.decode()
    assert ContactEvent.objects.count() == 0


def test_reporting_needs_post_and_a_csrf_token(campaign, tracked_offices):
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(_report_url(campaign, tracked_offices["brno"])).status_code == 405
    assert strict.post(_report_url(campaign, tracked_offices["brno"]), {"channel": "call"}).status_code == 403
    assert ContactEvent.objects.count() == 0


def test_offices_of_another_state_or_closed_are_not_found(client, campaign, tracked_offices):
    assert client.get(_office_url(campaign, tracked_offices["other_state"])).status_code == 404
    tracked_offices["prague"].active = False
    tracked_offices["prague"].save()
    assert client.get(_office_url(campaign, tracked_offices["prague"])).status_code == 404


def test_a_closed_campaign_counts_no_more_calls(client, campaign, tracked_offices):
    campaign.is_open = False
    campaign.save()

    page = client.get(_office_url(campaign, tracked_offices["brno"])).content.decode()
    response = client.post(_report_url(campaign, tracked_offices["brno"]), {"channel": "call"})

    assert 'value="call"' not in page and "calls and faxes are no longer counted" in page
    assert response.status_code == 400
    assert "calls and faxes are no longer counted" in response.content.decode()
    assert ContactEvent.objects.count() == 0


def test_a_campaign_past_its_end_date_counts_no_more_calls(client, campaign, tracked_offices):
    campaign.starts_on = datetime.date.today() - datetime.timedelta(days=30)
    campaign.ends_on = datetime.date.today() - datetime.timedelta(days=1)
    campaign.save()

    page = client.get(_office_url(campaign, tracked_offices["brno"])).content.decode()
    response = client.post(_report_url(campaign, tracked_offices["brno"]), {"channel": "call"})

    assert 'value="call"' not in page and "calls and faxes are no longer counted" in page
    assert response.status_code == 400
    assert ContactEvent.objects.count() == 0


def test_a_fax_to_an_office_without_a_fax_number_is_not_counted(client, campaign, tracked_offices):
    response = client.post(_report_url(campaign, tracked_offices["warsaw"]), {"channel": "fax"})

    assert response.status_code == 400
    assert "No fax number is listed for this office." in response.content.decode()
    assert ContactEvent.objects.count() == 0
