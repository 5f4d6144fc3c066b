"""Prefill links: /<lang>/c/<campaign>/<country>/?offices=…&letter=… open the letter form ready."""

import re

from django.test import Client

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.forms import letter_prefill_initial
from tests.factories import LetterTemplateFactory
from tests.fuzzing import FUZZ, TEXT

pytestmark = pytest.mark.django_db


def _ticked(page: str) -> set[int]:
    return {
        int(value) for value in re.findall(r'<input type="checkbox" name="offices" value="(\d+)"[^>]*checked', page)
    }


def _letter_language(page: str) -> str:
    match = re.search(r'<option value="([a-z-]+)" selected>', page)
    assert match
    return match.group(1)


@pytest.fixture
def ukrainian_letter(campaign):
    return LetterTemplateFactory(
        campaign=campaign, language="uk", subject="Протест", body="{salutation},\n\nМи пишемо."
    )


def test_without_parameters_the_form_ticks_its_usual_offices(client, campaign, offices):
    page = client.get("/en/c/law-13673/cz/").content.decode()

    assert _ticked(page) == {offices["prague"].pk, offices["brno"].pk}


def test_the_link_ticks_the_named_offices_and_chooses_the_letter(client, campaign, offices, ukrainian_letter):
    brno, ostrava = offices["brno"].pk, offices["ostrava"].pk

    response = client.get(f"/en/c/law-13673/cz/?offices={brno},{ostrava}&letter=uk")

    page = response.content.decode()
    assert response.status_code == 200
    assert _ticked(page) == {brno, ostrava}
    assert _letter_language(page) == "uk"
    assert "Ми пишемо." in page  # the letter shown is the chosen language's


def test_offices_of_other_countries_or_states_are_ignored(client, campaign, offices):
    brno = offices["brno"].pk
    foreign = f"{offices['warsaw'].pk},{offices['moldova'].pk}"

    assert _ticked(client.get(f"/en/c/law-13673/cz/?offices={foreign},{brno}").content.decode()) == {brno}
    # Only foreign or unknown offices: the usual choice, not an empty one.
    only_foreign = client.get(f"/en/c/law-13673/cz/?offices={foreign},999999").content.decode()
    assert _ticked(only_foreign) == {offices["prague"].pk, brno}


def test_a_letter_language_without_a_text_falls_back_to_the_default(client, campaign, offices):
    page = client.get("/en/c/law-13673/cz/?letter=xx").content.decode()

    assert _letter_language(page) == "en"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"offices": "1,2, 3"}, {"language": "", "prefill_offices": [1, 2, 3]}),
        ({"offices": "1,-2,x,²,1e3,99999999999999999999"}, {"language": "", "prefill_offices": [1]}),
        ({"offices": ",,,"}, {"language": ""}),
        ({"letter": "uk", "language": "cs"}, {"language": "uk"}),
        ({"language": "cs"}, {"language": "cs"}),
    ],
)
def test_the_query_is_read_strictly(query, expected):
    assert letter_prefill_initial(query=query) == expected


def test_a_link_naming_too_many_offices_is_cut_to_what_the_form_takes():
    initial = letter_prefill_initial(query={"offices": ",".join(str(n) for n in range(1, 1000))})

    assert len(initial["prefill_offices"]) <= 50


@FUZZ
@given(raw_offices=TEXT, letter=TEXT, extra=st.dictionaries(TEXT, TEXT, max_size=2))
def test_any_prefill_query_gives_the_normal_form(campaign, offices, raw_offices, letter, extra):
    response = Client().get("/en/c/law-13673/cz/", {**extra, "offices": raw_offices, "letter": letter})

    assert response.status_code == 200
    assert b'name="offices"' in response.content
