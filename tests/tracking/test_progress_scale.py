"""The progress pages at campaign scale: small pages, constant queries, paging, figures rebuilt without a stampede."""

import datetime
import re
import threading
import time

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from django_countries import countries

from campaign.models import ContactChannel, ContactEvent
from campaign.services import contact_record
from embassies.models import HeadTitle, Office, OfficeKind
from tracking import progress_cache
from tracking.models import Reply, ReplyState, SurveyAnswer
from tracking.progress_cache import progress_for_campaign

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 200 * 1024
# Fifty host countries a Ukrainian campaign could write to; "UA" itself is never a host.
HOST_COUNTRIES = [code for code, _name in countries if code != "UA"][:50]


def offices_add(*, countries_: list[str], per_country: int, start: int = 0) -> list[Office]:
    """Offices with names as long as real ones, made in one statement per thousand."""
    offices = [
        Office(
            sending_country="UA",
            host_country=code,
            kind=OfficeKind.CONSULATE_GENERAL if number % 3 else OfficeKind.EMBASSY,
            head_title=HeadTitle.CONSUL_GENERAL if number % 3 else HeadTitle.AMBASSADOR,
            name=f"Consulate General of Ukraine in Some Long City Name {start + index}-{number}",
            city=f"Some Long City Name {start + index}-{number}",
        )
        for index, code in enumerate(countries_)
        for number in range(per_country)
    ]
    Office.objects.bulk_create(offices, batch_size=1000)
    return list(Office.objects.filter(host_country__in=countries_).order_by("pk"))


def contacts_add(*, campaign, offices: list[Office], every: int = 3) -> None:
    """Every `every`-th office contacted on several channels; a few replies and survey answers."""
    now = timezone.now()
    channels = list(ContactChannel)
    ContactEvent.objects.bulk_create(
        [
            ContactEvent(
                campaign=campaign,
                office=office,
                channel=channels[(position + shift) % len(channels)],
                quantity=shift + 1,
                occurred_at=now - datetime.timedelta(hours=position % 48),
            )
            for position, office in enumerate(offices[::every])
            for shift in range(3)
        ],
        batch_size=1000,
    )
    for office in offices[:: every * 10]:
        Reply.objects.create(state=ReplyState.MATCHED, campaign=campaign, office=office, received_at=now)
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(campaign=campaign, office=office, got_reply=bool(position % 2), answered_on=now.date())
            for position, office in enumerate(offices[:: every * 5])
        ]
    )


def _progress_url(campaign) -> str:
    return reverse("tracking:progress", args=[campaign.slug])


def _country_url(campaign, code: str, page: object = None) -> str:
    url = reverse("tracking:progress_country", args=[campaign.slug, code.lower()])
    return url if page is None else f"{url}?page={page}"


def test_pages_stay_under_200_kb_at_5000_offices_in_50_countries(client, campaign):
    offices = offices_add(countries_=HOST_COUNTRIES, per_country=100)
    contacts_add(campaign=campaign, offices=offices)
    assert len(offices) == 5000

    summary = client.get(_progress_url(campaign))
    busiest = summary.context["progress"].countries[0].code
    country = client.get(_country_url(campaign, busiest))

    assert summary.status_code == country.status_code == 200
    assert len(summary.content) < PAGE_BUDGET, len(summary.content)
    assert len(country.content) < PAGE_BUDGET, len(country.content)
    html = summary.content.decode()
    assert len(re.findall(r'<th scope="row"><a href="/en/progress/law-13673/[a-z]{2}/">', html)) == 50
    assert html.count("Nobody has written to the") == 50  # the short list, not all 3,333
    assert "3333 offices have not been contacted by anyone yet." in html
    # The short list spans the countries rather than filling up from the first.
    listed = summary.context["uncontacted"]
    assert len({office.host_country for office in listed}) == 50


def _forget_every_copy() -> None:
    cache.clear()
    progress_cache._process_copies.clear()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("warm", [False, True], ids=["cold cache", "warm cache"])
def test_queries_do_not_grow_with_offices_and_contacts(client, campaign, warm, django_assert_num_queries):
    small = offices_add(countries_=["CZ", "PL"], per_country=3)
    contacts_add(campaign=campaign, offices=small, every=2)
    office = small[0]
    urls = {
        "progress": _progress_url(campaign),
        "country": _country_url(campaign, "CZ"),
        "office": reverse("tracking:office", args=[campaign.slug, office.pk]),
    }

    def measured() -> dict[str, int]:
        counts = {}
        for name, url in urls.items():
            _forget_every_copy()
            if warm:
                client.get(url)
            counts[name] = _queries(client, url)
        return counts

    at_small = measured()
    large = offices_add(countries_=["DE", "AT", "SK", "CZ"], per_country=150, start=10)
    contacts_add(campaign=campaign, offices=large, every=2)
    for _ in range(5):  # more contacts on the office itself too
        contact_record(campaign=campaign, office=office, channel=ContactChannel.CALL)

    assert measured() == at_small
    # Pinned, so that a query added per office or per row shows up even at one size.
    expected = {"progress": 1, "country": 1, "office": 4} if warm else {"progress": 6, "country": 5, "office": 8}
    assert at_small == expected
    _forget_every_copy()
    if warm:
        client.get(urls["country"])
    with django_assert_num_queries(expected["country"]):
        assert client.get(urls["country"] + "?page=2").status_code == 200  # CZ now has 153 offices


def test_a_country_is_paged_with_uncontacted_offices_first(client, campaign):
    offices = offices_add(countries_=["CZ"], per_country=230)
    contacted = offices[:40]
    for office in contacted:
        contact_record(campaign=campaign, office=office, channel=ContactChannel.EMAIL_SENT)

    first, second, third = (client.get(_country_url(campaign, "CZ", page)) for page in (1, 2, 3))

    rows = [response.context["page"].object_list for response in (first, second, third)]
    assert [len(page) for page in rows] == [100, 100, 30]
    shown = [office.office_id for page in rows for office in page]
    assert len(set(shown)) == 230  # every office once, none twice
    assert not any(office.contacted for office in rows[0])
    assert all(office.contacted for office in rows[2])  # 190 uncontacted fill pages 1 and 2 first
    second_html = second.content.decode()
    assert 'rel="prev" href="?page=1"' in second_html and 'rel="next" href="?page=3"' in second_html
    assert "Page 2 of 3" in second_html
    assert reverse("tracking:office", args=[campaign.slug, rows[0][0].office_id]) not in second_html
    assert client.get(_country_url(campaign, "CZ")).context["page"].number == 1


@pytest.mark.parametrize(
    "page", ["0", "-1", "4", "abc", "1.5", "1e3", "", " ", "nan", "9" * 5000, "٢", "%00", "2" + "\u0000"]
)
def test_a_bad_or_missing_page_is_a_404_or_a_page_never_a_500(client, campaign, page):
    offices_add(countries_=["CZ"], per_country=230)

    response = client.get(_country_url(campaign, "CZ"), {"page": page})

    assert response.status_code in (200, 404), response.status_code


@pytest.mark.parametrize("code", ["xx", "zz", "ua", "office", "c", "cz%20", "ÇZ"])
def test_a_country_the_campaign_does_not_write_to_is_a_404(client, campaign, code):
    offices_add(countries_=["CZ"], per_country=2)
    assert client.get(reverse("tracking:progress_country", args=[campaign.slug, code])).status_code == 404


def test_the_country_page_keeps_its_language_links_and_names_the_country_in_the_page_language(client, campaign):
    offices_add(countries_=["CZ"], per_country=120)
    with translation.override("cs"):
        url = reverse("tracking:progress_country", args=[campaign.slug, "cz"])
        czech_name = str(countries.name("CZ"))

    response = client.get(f"{url}?page=2")

    assert response.status_code == 200
    assert url.startswith("/cs/") and czech_name != "Czechia"
    assert czech_name in response.content.decode()
    paths = {link.code: link.path for link in response.context["page_languages"]}
    assert paths["uk"] == f"/uk/progress/{campaign.slug}/cz/?page=2"
    assert f'hreflang="en" href="http://testserver/en/progress/{campaign.slug}/cz/?page=2"' in response.content.decode()
    summary = client.get(reverse("tracking:progress", args=[campaign.slug]).replace("/en/", "/cs/"))
    assert czech_name in summary.content.decode()


def _computes(monkeypatch) -> list[int]:
    """Counts calls of progress_compute as the cache module makes them; each call still computes."""
    calls: list[int] = []
    real = progress_cache.progress_compute

    def counted(**kwargs):
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(progress_cache, "progress_compute", counted)
    return calls


def test_new_contacts_do_not_recompute_until_the_figures_are_older_than_the_cache_time(
    client, campaign, monkeypatch, settings
):
    settings.PROGRESS_CACHE_SECONDS = 1
    offices = offices_add(countries_=["CZ"], per_country=3)
    computes = _computes(monkeypatch)
    client.get(_progress_url(campaign))
    assert len(computes) == 1

    for office in offices:
        contact_record(campaign=campaign, office=office, channel=ContactChannel.CALL)
    pages = [client.get(_progress_url(campaign)) for _ in range(5)]

    assert len(computes) == 1
    assert all(page.context["progress"].offices_reached == 0 for page in pages)  # as of the last rebuild
    time.sleep(1.1)
    assert client.get(_progress_url(campaign)).context["progress"].offices_reached == 3
    assert len(computes) == 2


def test_the_pages_say_how_fresh_their_figures_are(client, campaign, settings):
    offices_add(countries_=["CZ"], per_country=2)
    for url in (_progress_url(campaign), _country_url(campaign, "CZ")):
        html = client.get(url).content.decode()
        assert "updated every minute." in html
    settings.PROGRESS_CACHE_SECONDS = 300
    assert "updated every 5 minutes." in client.get(_progress_url(campaign)).content.decode()


def test_while_the_lock_is_held_a_stale_copy_is_served_and_nothing_is_computed(campaign, monkeypatch, settings):
    offices_add(countries_=["CZ"], per_country=3)
    stale = progress_for_campaign(campaign=campaign)
    settings.PROGRESS_CACHE_SECONDS = 0  # every copy is stale from now on
    computes = _computes(monkeypatch)
    cache.add(progress_cache._lock_key(campaign.pk), True, timeout=60)  # another process is rebuilding

    served = [progress_for_campaign(campaign=campaign) for _ in range(20)]

    assert computes == []
    assert {progress.computed_at for progress in served} == {stale.computed_at}
    cache.delete(progress_cache._lock_key(campaign.pk))
    assert progress_for_campaign(campaign=campaign).computed_at > stale.computed_at
    assert len(computes) == 1


def test_with_no_copy_and_the_lock_held_a_process_computes_for_itself_without_sharing(campaign, monkeypatch):
    offices_add(countries_=["CZ"], per_country=3)
    computes = _computes(monkeypatch)
    cache.add(progress_cache._lock_key(campaign.pk), True, timeout=60)

    assert progress_for_campaign(campaign=campaign).offices_listed == 3
    assert len(computes) == 1
    assert cache.get(progress_cache._figures_key(campaign.pk)) is None  # only the lock holder shares its copy

    progress_cache._process_copies.clear()  # another process, just as cold
    assert progress_for_campaign(campaign=campaign).offices_listed == 3
    assert len(computes) == 2


def test_a_process_uses_its_own_fresh_copy_without_the_shared_one(campaign, monkeypatch):
    offices_add(countries_=["CZ"], per_country=3)
    first = progress_for_campaign(campaign=campaign)
    computes = _computes(monkeypatch)
    cache.clear()  # the shared copy is gone (evicted, or Redis restarted)

    assert progress_for_campaign(campaign=campaign) is first
    assert computes == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_stale_figures_rebuild_them_once(campaign, monkeypatch, settings):
    offices_add(countries_=["CZ", "PL"], per_country=20)
    stale = progress_for_campaign(campaign=campaign)
    settings.PROGRESS_CACHE_SECONDS = 0
    release = threading.Event()
    calls: list[int] = []
    real = progress_cache.progress_compute

    def slow_compute(**kwargs):
        calls.append(1)
        release.wait(timeout=10)  # the lock stays held until every other request has been answered
        return real(**kwargs)

    monkeypatch.setattr(progress_cache, "progress_compute", slow_compute)
    answered: list = []

    def request() -> None:
        try:
            answered.append(progress_for_campaign(campaign=campaign))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(answered) < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert len(calls) == 1
    assert len(answered) == 8
    assert sorted(progress.computed_at == stale.computed_at for progress in answered) == [False] + [True] * 7


def test_with_the_cache_down_the_pages_compute_their_figures(client, campaign, settings):
    offices = offices_add(countries_=["CZ"], per_country=3)
    contact_record(campaign=campaign, office=offices[0], channel=ContactChannel.FAX)
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/1",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    summary = client.get(_progress_url(campaign))
    country = client.get(_country_url(campaign, "CZ"))
    office = client.get(reverse("tracking:office", args=[campaign.slug, offices[0].pk]))

    assert summary.status_code == country.status_code == office.status_code == 200
    assert summary.context["progress"].offices_reached == 1
