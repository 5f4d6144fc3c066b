"""A PDF download is intent, not a letter sent: it never makes an office "contacted". A letter counts as posted
when the supporter says so, or when a group's batch is marked posted."""

from django.urls import reverse

import pytest

from campaign.models import ContactChannel, ContactEvent
from tests.factories import started_long_ago
from tracking.progress_cache import progress_for_campaign


@pytest.fixture
def mark_posted(client, print_campaign, print_offices):
    def send(tick=None, **overrides):
        """tick: the offices to tick; "offices" among overrides: the raw values posted instead."""
        chosen = tick if tick is not None else [print_offices["embassy"], print_offices["honorary"]]
        data = {"offices": [str(office.pk) for office in chosen], "website": "", "form_started": started_long_ago()}
        data.update(overrides)
        return client.post(reverse("printing:supporter_posted", kwargs={"slug": print_campaign.slug, "cc": "cz"}), data)

    return send


def _progress_page(client, campaign) -> str:
    return client.get(reverse("tracking:progress", kwargs={"slug": campaign.slug})).content.decode()


def test_three_downloads_for_two_offices_send_no_letter_and_contact_no_office(
    client, post_letter, print_campaign, print_offices
):
    for paper in ("a4", "a4", "letter"):
        assert post_letter(paper=paper).status_code == 200

    figures = progress_for_campaign(campaign=print_campaign)
    assert figures.totals[ContactChannel.PDF] == 2  # the same browser on the same day: once per office
    assert figures.totals[ContactChannel.EMAIL_SENT] == figures.totals[ContactChannel.POST] == 0
    assert figures.offices_reached == 0
    uncontacted = {office.office_id for office in figures.uncontacted}
    assert {print_offices["embassy"].pk, print_offices["honorary"].pk} <= uncontacted
    page = _progress_page(client, print_campaign)
    assert f"0 of {figures.offices_listed} offices reached." in page
    assert "Nobody has written to the Embassy of Ukraine in the Czech Republic yet." in page
    assert "Nobody has written to the Honorary Consulate of Ukraine in Ostrava yet." in page
    assert "not counted as a contact" in page and "What the numbers mean" in page


def test_another_browser_counts_its_own_download(client, post_letter, print_campaign):
    post_letter()
    client.defaults["HTTP_USER_AGENT"] = "Another browser"
    post_letter()

    assert ContactEvent.objects.filter(channel=ContactChannel.PDF).count() == 4


def test_i_posted_it_counts_letters_posted_and_reaches_the_offices(
    client, post_letter, mark_posted, print_campaign, print_offices
):
    post_letter()
    response = mark_posted()

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your 2 letters are counted as posted, anonymously" in page
    assert "Embassy of Ukraine in the Czech Republic" in page
    figures = progress_for_campaign(campaign=print_campaign)
    assert figures.totals[ContactChannel.POST] == 2
    assert figures.offices_reached == 2
    assert f"2 of {figures.offices_listed} offices reached." in _progress_page(client, print_campaign)


def test_saying_it_twice_the_same_day_counts_once(mark_posted, print_campaign):
    mark_posted()
    response = mark_posted()

    assert response.status_code == 200
    assert "already counted today" in response.content.decode()
    assert ContactEvent.objects.filter(channel=ContactChannel.POST).count() == 2


def test_posted_marks_are_rate_limited_per_address(settings, client, mark_posted, print_campaign, print_offices):
    settings.RATE_LIMIT_MARKS_PER_IP = 1
    mark_posted(tick=[print_offices["embassy"]])
    client.defaults["HTTP_USER_AGENT"] = "Another browser"
    response = mark_posted(tick=[print_offices["consulate"]])

    assert "already counted today" in response.content.decode()
    assert ContactEvent.objects.filter(channel=ContactChannel.POST).count() == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"offices": []}, "Tick the offices whose letters you posted."),
        ({"offices": ["9" * 30]}, "cannot receive a posted letter"),
        ({"website": "http://spam.example"}, "Please leave the field"),
        ({"form_started": "tampered"}, "The form was damaged on its way."),
    ],
)
def test_bad_posted_marks_are_refused_with_a_reason_and_count_nothing(mark_posted, overrides, message):
    response = mark_posted(**overrides)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ContactEvent.objects.exists()


def test_an_office_of_another_country_cannot_be_marked(mark_posted, print_offices):
    response = mark_posted(tick=[print_offices["poland"]])

    assert response.status_code == 400
    assert not ContactEvent.objects.exists()


def test_the_letter_page_offers_i_posted_it_next_to_the_pdf(client, print_campaign, print_offices):
    page = client.get(reverse("campaign:letter_form", kwargs={"slug": print_campaign.slug, "cc": "cz"}))

    posted_url = reverse("printing:supporter_posted", kwargs={"slug": print_campaign.slug, "cc": "cz"})
    assert f'formaction="{posted_url}"' in page.content.decode()
