"""Faults planted in phone parsing (embassies.phones) by hand and by `make mutate`, each caught here.

An organiser who types a wrong number is told what is wrong with it, in their language; a right one is stored as
E.164 with its region, and flagged when it belongs to another country than the office's host country.
"""

from django.utils import translation

import phonenumbers
import pytest

from embassies.phones import ParsedPhone, PhoneNumberInvalid, phone_format, phone_parse


def reason(raw, host_country="CZ") -> str:
    with pytest.raises(PhoneNumberInvalid) as error:
        phone_parse(raw=raw, host_country=host_country)
    return str(error.value)


@pytest.mark.parametrize(
    ("raw", "host_country", "expected"),
    [
        ("", "CZ", "The number is empty."),
        ("   ", "CZ", "The number is empty."),
        (None, "CZ", "The number is empty."),
        ("233 342 000", "", "The country code is missing or unknown. Start the number with + and the country code."),
        ("+99 123456", "CZ", "The country code is missing or unknown. Start the number with + and the country code."),
        ("hello", "CZ", "This is not a phone number."),
        ("00 1", "CZ", "The number is too short."),  # too short after the international prefix
        ("+420 1", "CZ", "The number is too short."),  # too short a national number
        ("+420 12345678901234567890", "CZ", "The number is too long."),
        ("+420 123", "CZ", "The number has the wrong length for its country."),
        ("+420 999 999 999", "CZ", "The number is not valid for its country."),
    ],
)
def test_phone_parse_errors_keep_their_own_reasons(raw, host_country, expected):
    assert reason(raw, host_country) == expected


def test_a_parse_error_of_a_kind_the_library_adds_later_still_gets_a_reason(monkeypatch):
    def parse(text, region):
        raise phonenumbers.NumberParseException(99, "a new kind of error")

    monkeypatch.setattr(phonenumbers, "parse", parse)

    assert reason("+420 233 342 000") == "This is not a phone number."


def test_phone_parse_errors_are_explained_in_the_users_language():
    with translation.override("de"):
        german = {reason("hello"), reason("+420 1"), reason("+420 12345678901234567890"), reason("")}

    assert german.isdisjoint(
        {"This is not a phone number.", "The number is too short.", "The number is too long.", "The number is empty."}
    )
    assert len(german) == 4


def test_a_number_is_stored_in_e164_with_its_region():
    assert phone_parse(raw=" 233 342 000 ", host_country="cz") == ParsedPhone(
        e164="+420233342000", region="CZ", foreign=False
    )


def test_a_number_from_another_country_is_flagged_as_foreign():
    assert phone_parse(raw="+43 1 4797172", host_country="CZ") == ParsedPhone(
        e164="+4314797172", region="AT", foreign=True
    )


def test_a_number_sharing_the_host_countrys_code_is_not_foreign():
    # +1 is shared by the USA and Canada: a Canadian number in the USA is not a foreign call.
    parsed = phone_parse(raw="+1 613 555 0123", host_country="US")

    assert (parsed.region, parsed.foreign) == ("CA", False)


def test_without_a_host_country_an_international_number_is_never_foreign():
    assert phone_parse(raw="+43 1 4797172", host_country="") == ParsedPhone(
        e164="+4314797172", region="AT", foreign=False
    )
    assert phone_parse(raw="+43 1 4797172", host_country=None).foreign is False


@pytest.mark.parametrize(
    ("e164", "national", "expected"),
    [
        ("+420233342000", False, "+420 233 342 000"),
        ("+420233342000", True, "233 342 000"),
        ("+493028887116", False, "+49 30 28887116"),
        ("+493028887116", True, "030 28887116"),
        ("", False, ""),
        ("", True, ""),
    ],
)
def test_phone_format_international_and_national(e164, national, expected):
    assert phone_format(e164, national=national) == expected


def test_phone_format_is_international_unless_asked():
    assert phone_format("+493028887116") == "+49 30 28887116"
