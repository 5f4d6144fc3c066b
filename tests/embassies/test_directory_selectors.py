"""The directory's reads (embassies.selectors): which offices a reader sees, in which order, under which names.

Part of `make mutate`, with tests/embassies/test_scope_rule.py for the scope functions of the same module.
"""

from django.utils import translation

import pytest

from embassies.selectors import (
    country_code_known,
    country_office_counts,
    name_sort_key,
    office_list_for_country,
    office_list_public,
    sending_countries_present,
)
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

PHONES = {"CZ": "+420233342000", "AT": "+4314797172", "DE": "+493028887116", "SK": "+421259202810"}


def office(country: str = "CZ", **fields):
    return OfficeFactory(host_country=country, phone=PHONES[country], **fields)


def test_names_sort_as_readers_expect_accents_and_case_aside():
    names = ["Zypern", "österreich", "Oman", "Éire", "Estland", "Ägypten"]

    assert sorted(names, key=name_sort_key) == ["Ägypten", "Éire", "Estland", "Oman", "österreich", "Zypern"]
    assert name_sort_key("Österreich") == "osterreich"


@pytest.mark.parametrize(
    ("code", "known"), [("CZ", True), ("cz", True), ("", False), ("XX", False), ("CZE", False), ("C", False)]
)
def test_a_country_code_is_known_only_if_it_names_a_country(code, known):
    assert country_code_known(code=code) is known


def test_the_public_directory_lists_active_offices_by_country_then_kind_city_and_name():
    office("DE", kind="consulate", city="Hamburg", name="D-consulate")
    office("DE", kind="embassy", city="Berlin", name="D-embassy")
    office("AT", kind="honorary_consulate", city="Graz", name="A-honorary")
    office("AT", kind="consulate_general", city="Salzburg", name="A-general")
    office("AT", kind="mission", city="Wien", name="A-mission")
    office("AT", kind="embassy", city="Wien", name="A-embassy-b")
    office("AT", kind="embassy", city="Wien", name="A-embassy-a", sending_country="RU")
    office("AT", kind="consulate", city="Innsbruck", name="A-consulate")
    office("AT", kind="consulate", city="Graz", name="Z-consulate")  # by city before name
    office("AT", kind="embassy", city="Linz", name="A-closed", active=False)

    assert [o.name for o in office_list_public()] == [
        "A-embassy-a",
        "A-embassy-b",
        "A-mission",
        "A-general",
        "Z-consulate",
        "A-consulate",
        "A-honorary",
        "D-embassy",
        "D-consulate",
    ]
    assert [o.name for o in office_list_public(host_country="de")] == ["D-embassy", "D-consulate"]
    assert [o.name for o in office_list_public(host_country="")] == [o.name for o in office_list_public()]


def test_a_countrys_offices_by_kind_then_city_then_name():
    office(kind="consulate", city="Brno", name="B")
    office(kind="consulate", city="Brno", name="A")
    office(kind="consulate", city="Aš", name="Z")
    office(kind="embassy", city="Praha", name="E")
    office("AT", kind="embassy", city="Wien", name="Elsewhere")

    assert [o.name for o in office_list_for_country(host_country="cz")] == ["E", "Z", "A", "B"]
    assert [o.name for o in office_list_for_country(host_country="CZ", sending_country="")] == ["E", "Z", "A", "B"]


def test_country_counts_are_named_and_sorted_in_the_readers_language():
    office("AT")
    office("AT", sending_country="RU")
    office("DE")
    office("CZ", active=False)
    office("SK")

    with translation.override("de"):
        counts = country_office_counts()
    assert [(c.code, c.name, c.office_count) for c in counts] == [
        ("DE", "Deutschland", 1),
        ("AT", "Österreich", 2),
        ("SK", "Slowakei", 1),
    ]
    with translation.override("en"):
        assert [c.name for c in country_office_counts(sending_country="ru")] == ["Austria"]
        assert [c.code for c in country_office_counts()] == ["AT", "DE", "SK"]


def test_sending_states_present_are_the_active_offices_states_sorted_by_name():
    office("AT", sending_country="UA")
    office("DE", sending_country="UA")
    office("AT", sending_country="GE")
    office("DE", sending_country="BY", active=False)

    with translation.override("de"):
        assert [str(country.code) for country in sending_countries_present()] == ["GE", "UA"]
    office("CZ", sending_country="DE")
    with translation.override("en"):  # by name, not by code: Georgia (GE) before Germany (DE)
        assert [str(country.name) for country in sending_countries_present()] == ["Georgia", "Germany", "Ukraine"]
