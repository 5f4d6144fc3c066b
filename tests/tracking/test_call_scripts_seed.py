"""The sample campaign ships a call script in every language its letter is in."""

import re

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import pytest

from campaign.models import Campaign
from tests.factories import VerifiedOfficeFactory
from tracking.models import CallScript

pytestmark = pytest.mark.django_db


def _sample_campaign() -> Campaign:
    call_command("load_sample_campaign")
    return Campaign.objects.get(slug="law-13673")


def test_every_letter_language_has_a_call_script_with_the_three_demands():
    campaign = _sample_campaign()

    letter_languages = set(campaign.templates.values_list("language", flat=True))
    scripts = {script.language: script.text for script in CallScript.objects.filter(campaign=campaign)}
    assert len(letter_languages) == 13
    assert set(scripts) == letter_languages
    for language, text in scripts.items():
        assert "13673" in text, language
        assert re.findall(r"^([123])\. ", text, flags=re.MULTILINE) == ["1", "2", "3"], language


def test_loading_again_keeps_an_organisers_edit_and_adds_no_duplicate():
    campaign = _sample_campaign()
    CallScript.objects.filter(campaign=campaign, language="cs").update(text="Náš vlastní scénář.")

    call_command("load_sample_campaign")

    assert CallScript.objects.filter(campaign=campaign).count() == 13
    assert CallScript.objects.get(campaign=campaign, language="cs").text == "Náš vlastní scénář."


def test_an_office_page_shows_the_script_in_the_page_language(client):
    campaign = _sample_campaign()
    office = VerifiedOfficeFactory(phone="+420233342000")
    with translation.override("cs"):
        url = reverse("tracking:office", kwargs={"slug": campaign.slug, "office_id": office.pk})

    page = client.get(url).content.decode()

    assert "Volám kvůli ukrajinskému návrhu zákona č. 13673." in page
