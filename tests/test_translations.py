"""Every interface language has a complete catalogue, and letters greet offices in the letter's language."""

import subprocess
from pathlib import Path

from django.conf import settings

import pytest

from campaign.rendering import salutation_for
from embassies.models import HeadTitle, Office
from tests.factories import CampaignFactory

TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_salutations_are_translated(language):
    for title in HeadTitle.values:
        office = Office(head_title=title)
        assert salutation_for(office=office, language=language) != salutation_for(office=office, language="en")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("cs", "Pokračovat"), ("uk", "Продовжити"), ("de", "Weiter")])
def test_campaign_page_speaks_the_visitors_language(client, language, expected):
    campaign = CampaignFactory()
    page = client.get(f"/{language}/c/{campaign.slug}/").content.decode()
    assert expected in page
    assert ">Continue<" not in page


CATALOGUES = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_interface_catalogue_is_complete_and_well_formed(language):
    source = CATALOGUES / language / "LC_MESSAGES" / "django.po"
    compiled = source.with_suffix(".mo")
    assert source.exists(), f"no catalogue for {language}: run `make messages` and translate it"

    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.returncode == 0, checked.stderr
    assert "fuzzy" not in checked.stderr and "untranslated" not in checked.stderr, checked.stderr
    assert compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime, "run `make compile-messages`"


def test_the_catalogues_are_exactly_the_interface_languages():
    assert sorted(path.name for path in CATALOGUES.iterdir() if path.is_dir()) == sorted(TRANSLATED_LANGUAGES)
    assert len(settings.LANGUAGES) >= 10
