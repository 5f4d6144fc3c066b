"""The public progress pages: counts per channel, call to action, SVG, constant queries, caching.

At campaign scale (thousands of offices), paging and the rebuild lock: test_progress_scale.py.
"""

import datetime
import re
import time

from django.urls import reverse
from django.utils import timezone

import pytest

from campaign.models import ContactChannel, ContactEvent
from campaign.services import contact_record
from tests.factories import CampaignFactory, VerifiedOfficeFactory
from tracking.models import Reply, ReplyState, SurveyAnswer
from tracking.selectors import progress_compute

pytestmark = pytest.mark.django_db


def _office_figures(progress, office):
    for country in progress.countries:
        for figures in country.offices:
            if figures.office_id == office.pk:
                return figures
    raise AssertionError(f"{office} not on the page")


@pytest.mark.parametrize("channel", [choice.value for choice in ContactChannel])
def test_each_channel_is_counted_for_its_office_and_in_the_totals(campaign, tracked_offices, channel):
    contact_record(campaign=campaign, office=tracked_offices["brno"], channel=channel, quantity=3)
    contact_record(campaign=campaign, office=tracked_offices["warsaw"], channel=channel)

    progress = progress_compute(campaign=campaign)

    assert progress.totals[channel] == 4
    assert _office_figures(progress, tracked_offices["brno"]).counts[channel] == 3
    assert _office_figures(progress, tracked_offices["warsaw"]).counts[channel] == 1
    assert sum(progress.totals.values()) == 4  # nothing leaks into other channels


def test_events_created_directly_count_and_other_campaigns_do_not(campaign, tracked_offices):
    ContactEvent.objects.create(
        campaign=campaign,
        office=tracked_offices["prague"],
        channel=ContactChannel.POST,
        quantity=25,
        occurred_at=timezone.now(),
    )
    ContactEvent.objects.create(
        campaign=CampaignFactory(),
        office=tracked_offices["prague"],
        channel=ContactChannel.POST,
        quantity=7,
        occurred_at=timezone.now(),
    )
    assert progress_compute(campaign=campaign).totals[ContactChannel.POST] == 25


def test_offices_reached_and_last_contacted(campaign, tracked_offices):
    earlier = timezone.now() - datetime.timedelta(days=3)
    later = timezone.now() - datetime.timedelta(hours=1)
    contact_record(
        campaign=campaign, office=tracked_offices["prague"], channel=ContactChannel.EMAIL_SENT, occurred_at=earlier
    )
    contact_record(campaign=campaign, office=tracked_offices["prague"], channel=ContactChannel.PDF, occurred_at=later)

    progress = progress_compute(campaign=campaign)

    assert progress.offices_listed == 3  # the Moldovan embassy belongs to another sending state
    assert progress.offices_reached == 1
    assert _office_figures(progress, tracked_offices["prague"]).last_contacted_at == later
    assert _office_figures(progress, tracked_offices["brno"]).last_contacted_at is None


def test_a_delivered_email_is_not_a_second_contact(campaign, tracked_offices):
    contact_record(campaign=campaign, office=tracked_offices["prague"], channel=ContactChannel.EMAIL_SENT)
    contact_record(campaign=campaign, office=tracked_offices["prague"], channel=ContactChannel.EMAIL_DELIVERED)
    assert _office_figures(progress_compute(campaign=campaign), tracked_offices["prague"]).contacts == 1


def test_inactive_offices_are_not_listed(campaign, tracked_offices):
    VerifiedOfficeFactory(name="Closed consulate", active=False)
    assert progress_compute(campaign=campaign).offices_listed == 3


def _country_html(client, campaign, code: str) -> str:
    return client.get(reverse("tracking:progress_country", args=[campaign.slug, code])).content.decode()


def test_page_puts_uncontacted_offices_first_as_a_call_to_action(client, campaign, tracked_offices):
    contact_record(campaign=campaign, office=tracked_offices["prague"], channel=ContactChannel.EMAIL_SENT, quantity=5)

    html = client.get(reverse("tracking:progress", args=[campaign.slug])).content.decode()

    assert "Nobody has written to the Consulate General of Ukraine in Brno yet." in html
    assert "Nobody has written to the Embassy of Ukraine in Prague" not in html
    assert "Embassy of Moldova" not in html
    assert reverse("tracking:progress_country", args=[campaign.slug, "cz"]) in html
    czech_table = _country_html(client, campaign, "cz")
    czech_table = czech_table[czech_table.index('id="country-CZ"') :]
    assert czech_table.index("Consulate General of Ukraine in Brno") < czech_table.index("Embassy of Ukraine in Prague")
    assert "Embassy of Moldova" not in czech_table


def test_page_draws_accessible_svg_charts_and_links_offices(client, campaign, tracked_offices):
    contact_record(campaign=campaign, office=tracked_offices["warsaw"], channel=ContactChannel.CALL, quantity=2)

    response = client.get(reverse("tracking:progress", args=[campaign.slug]))
    czech, polish = _country_html(client, campaign, "cz"), _country_html(client, campaign, "pl")

    assert response.status_code == 200
    assert [page.count('class="chart bar-chart"') for page in (czech, polish)] == [1, 1]  # one per host country
    assert [page.count('class="chart progress-bar"') for page in (czech, polish)] == [2, 1]  # one per office
    assert re.search(
        r"<svg[^>]*role=\"img\"[^>]*>\s*<title id=\"chart-\d+-title\">Contacts with offices in Poland", polish
    )
    own_site = ("http://www.w3.org/2000/svg", "http://testserver/")  # the SVG namespace; hreflang alternates
    for html in (response.content.decode(), czech, polish):
        assert "<script" not in html and "http://" not in html.replace(own_site[0], "").replace(own_site[1], "")
    assert reverse("tracking:office", args=[campaign.slug, tracked_offices["warsaw"].pk]) in polish
    assert reverse("tracking:progress_country", args=[campaign.slug, "pl"]) in response.content.decode()


def test_replies_and_survey_answers_show_on_the_page(client, campaign, tracked_offices):
    Reply.objects.create(
        state=ReplyState.MATCHED, campaign=campaign, office=tracked_offices["warsaw"], received_at=timezone.now()
    )
    Reply.objects.create(state=ReplyState.TRIAGE, received_at=timezone.now())
    for got_reply in (True, True, False, False, False):
        SurveyAnswer.objects.create(
            campaign=campaign, office=tracked_offices["prague"], got_reply=got_reply, answered_on=timezone.localdate()
        )

    html = client.get(reverse("tracking:progress", args=[campaign.slug])).content.decode()
    czech, polish = _country_html(client, campaign, "cz"), _country_html(client, campaign, "pl")

    assert "1 has replied." in html
    assert polish.count("Has replied") == 1 and "Has replied" not in czech
    assert "2 of 5 supporters got a reply" in czech


def _fill(campaign, offices_count: int, events_per_office: int):
    created = [
        VerifiedOfficeFactory(host_country=country) for country in ("DE", "AT", "SK") for _ in range(offices_count)
    ]
    for office in created:
        for channel in list(ContactChannel)[:events_per_office]:
            contact_record(campaign=campaign, office=office, channel=channel)


def test_constant_number_of_queries_however_much_data(client, campaign, django_assert_num_queries, settings):
    settings.PROGRESS_CACHE_SECONDS = 0  # every view computes its figures
    url = reverse("tracking:progress", args=[campaign.slug])
    _fill(campaign, offices_count=1, events_per_office=1)
    with django_assert_num_queries(6):  # campaign, offices, contacts, replies, survey answers, events
        small = client.get(url)

    _fill(campaign, offices_count=40, events_per_office=7)
    with django_assert_num_queries(6):
        large = client.get(url)

    assert small.status_code == large.status_code == 200
    assert large.context["progress"].offices_listed == 123
    assert _country_html(client, campaign, "de").count('class="chart progress-bar"') == 41


def test_figures_are_cached_and_a_new_contact_does_not_recompute_them(
    client, campaign, tracked_offices, django_assert_num_queries
):
    url = reverse("tracking:progress", args=[campaign.slug])
    client.get(url)
    with django_assert_num_queries(1):  # only the campaign: the figures come from the cache
        client.get(url)

    # At a hundred contacts a second, recomputing after each would leave the cache always cold.
    contact_record(campaign=campaign, office=tracked_offices["brno"], channel=ContactChannel.FAX)
    with django_assert_num_queries(1):
        html = client.get(url).content.decode()
    assert "Nobody has written to the Consulate General of Ukraine in Brno yet." in html
    assert "updated every minute." in html


def test_cache_expires_after_its_ttl(client, campaign, tracked_offices, settings):
    settings.PROGRESS_CACHE_SECONDS = 1
    url = reverse("tracking:progress", args=[campaign.slug])
    client.get(url)
    # Whether recorded through the service or in bulk, a contact shows once the figures expire.
    ContactEvent.objects.bulk_create(
        [
            ContactEvent(
                campaign=campaign,
                office=tracked_offices["brno"],
                channel=ContactChannel.POST,
                occurred_at=timezone.now(),
            )
        ]
    )
    assert "Nobody has written to the Consulate General of Ukraine in Brno yet." in client.get(url).content.decode()
    time.sleep(1.1)
    assert "Nobody has written to the Consulate General of Ukraine in Brno yet." not in client.get(url).content.decode()


def test_unknown_campaign_is_a_404(client, db):
    assert client.get(reverse("tracking:progress", args=["no-such-campaign"])).status_code == 404
