"""The privacy page, in every interface language: what is stored, for how long, who sees it, how to erase it."""

import pytest

from tests.factories import VerifiedOfficeFactory
from tests.test_interface_languages import INTERFACE_LANGUAGES, english_left

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_privacy_page_speaks_every_interface_language(client, settings, language):
    settings.RETENTION_SUPPORTER_DAYS = 31
    settings.RETENTION_UNCONFIRMED_DAYS = 7

    page = client.get(f"/{language}/privacy/").content.decode()

    assert english_left(page, language) == []
    assert "31" in page and "7" in page
    assert f'href="/{language}/forget/"' in page


def test_every_page_and_the_letter_form_link_the_privacy_page(client, campaign):
    VerifiedOfficeFactory()
    assert 'href="/en/privacy/"' in client.get("/en/").content.decode()
    assert 'href="/en/privacy/"' in client.get("/en/c/law-13673/cz/").content.decode()
