"""Which answers a shared cache (the proxy in front) may keep: the public pages, read anonymously, in every
language; never a form, a signed-in page, the admin, a letter's token page or the bare address's redirect."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.cache import has_vary_header

import pytest

from campaign.tokens import submission_status_token, submission_token_hashes
from common.caching import PublicCacheGuardMiddleware, public_cacheable
from tests.factories import LetterFactory, SubmissionFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CACHEABLE_PAGES = [
    "/{lang}/",
    "/{lang}/c/law-13673/",
    "/{lang}/embassies/",
    "/{lang}/embassies/cz/",
    "/{lang}/progress/law-13673/",
    "/{lang}/progress/law-13673/cz/",
]


@pytest.fixture
def office(campaign):
    return VerifiedOfficeFactory(name="Embassy", city="Praha")


def directives(response: HttpResponse) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_not_shared(response: HttpResponse) -> None:
    assert "public" not in directives(response)
    assert "private" in directives(response) or "no-store" in directives(response)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", CACHEABLE_PAGES)
def test_public_pages_may_be_kept_by_a_proxy_in_every_language(client, office, page, lang):
    response = client.get(page.format(lang=lang))

    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=60", "stale-while-revalidate=30"}
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert not has_vary_header(response, "Cookie")
    assert not has_vary_header(response, "Accept-Language")


def test_the_lifetime_comes_from_the_settings(client, office, settings):
    settings.PUBLIC_CACHE_SECONDS = 17
    settings.PUBLIC_CACHE_STALE_SECONDS = 5

    response = client.get("/en/embassies/")

    assert directives(response) == {"public", "max-age=17", "stale-while-revalidate=5"}


def test_a_head_request_gets_the_same_headers(client, office):
    assert "public" in directives(client.head("/en/progress/law-13673/"))


def test_the_letter_form_is_never_shared(client, office):
    response = client.get("/en/c/law-13673/cz/")

    assert response.status_code == 200 and "csrftoken" in response.cookies
    assert directives(response) == {"private"}


@pytest.mark.parametrize("page", CACHEABLE_PAGES)
def test_signed_in_visitors_get_a_private_copy(admin_client, office, page):
    response = admin_client.get(page.format(lang="en"))

    assert response.status_code == 200
    assert "no-store" in directives(response) and "private" in directives(response)
    assert "public" not in directives(response)


def test_a_visitor_with_a_message_waiting_gets_a_private_copy(office):
    client = Client()
    client.cookies[CookieStorage.cookie_name] = "anything"

    assert_not_shared(client.get("/en/embassies/"))


def test_the_admin_is_never_shared(admin_client):
    response = admin_client.get("/admin/")

    assert_not_shared(response)
    assert "no-store" in directives(response)


def test_the_bare_address_redirects_by_language_and_is_not_shared(client, office):
    response = client.get("/embassies/", HTTP_ACCEPT_LANGUAGE="cs")

    assert response.status_code == 302 and response["Location"] == "/cs/embassies/"
    assert has_vary_header(response, "Accept-Language")
    assert_not_shared(response)


def test_token_pages_are_never_shared(client, campaign):
    submission = SubmissionFactory(campaign=campaign)
    LetterFactory(submission=submission)
    from_status = client.get(f"/en/c/law-13673/letters/{'x' * 40}/")
    confirm = client.get(f"/en/c/law-13673/confirm/{'x' * 40}/")
    forget = client.get(f"/en/c/law-13673/forget/{'x' * 40}/")
    inbox = client.get("/en/c/law-13673/check-your-inbox/")

    for response in (from_status, confirm, forget, inbox):
        assert_not_shared(response)


def test_a_real_status_page_is_not_shared(client, campaign):
    submission = SubmissionFactory(campaign=campaign)
    submission.__dict__.update(submission_token_hashes(submission=submission))
    submission.save()
    LetterFactory(submission=submission)

    response = client.get(f"/en/c/law-13673/letters/{submission_status_token(submission=submission)}/")

    assert response.status_code == 200
    assert_not_shared(response)


def test_answers_other_than_200_are_not_shared(client, office):
    assert_not_shared(client.get("/en/embassies/zz/"))  # no such country: 404
    assert_not_shared(client.get("/en/c/law-13673/?country=CZ"))  # redirect to the letter form
    assert_not_shared(client.post("/en/embassies/"))  # 405


def test_a_public_page_that_sets_a_cookie_is_made_private():
    """A view marked public that, some day, sets a cookie (or reads the session) is not shared."""

    @public_cacheable
    def sets_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("flavour", "oat")
        return response

    @public_cacheable
    def varies_on_cookie(request):
        return HttpResponse("hello", headers={"Vary": "Cookie"})

    request = RequestFactory().get("/en/")
    for view in (sets_cookie, varies_on_cookie):
        response = PublicCacheGuardMiddleware(view)(request)
        assert "public" not in directives(response)
        assert {"private", "no-store"} <= directives(response)


def test_a_cookie_set_by_a_middleware_after_the_view_makes_the_page_private():
    @public_cacheable
    def page(request):
        return HttpResponse("hello")

    def cookie_setting_middleware(request):
        response = page(request)
        assert "public" in directives(response)
        response.set_cookie("sessionid", "new")
        return response

    response = PublicCacheGuardMiddleware(cookie_setting_middleware)(RequestFactory().get("/en/"))

    assert "public" not in directives(response)
