"""Faults planted in letter rendering (campaign.rendering) by hand and by `make mutate`, each caught here.

What an office reads: every placeholder filled with its own value, in the subject too; the supporter's paragraph,
closing and signature where they belong. What an organiser may save: only the known placeholders, written plainly.
"""

import datetime

from django.core.exceptions import ValidationError

import pytest

from campaign.rendering import (
    PLACEHOLDERS,
    RenderedLetter,
    letter_demands_count,
    letter_drafts_render,
    letter_language_default,
    letter_render,
    template_placeholders_validate,
)
from embassies.models import HeadAddressForm, HeadTitle, OfficeKind
from tests.test_rendering import office

ON_DATE = datetime.date(2026, 11, 24)


def render(**overrides) -> RenderedLetter:
    arguments = {
        "subject": "Protest",
        "body": "Text.",
        "closing": "Yours sincerely,",
        "office": office(),
        "language": "en",
        "supporter_name": "Jana Nováková",
        "supporter_city": "Brno",
        "on_date": ON_DATE,
    }
    return letter_render(**{**arguments, **overrides})


def rejection(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        template_placeholders_validate(text)
    return error.value


# --- rendering ------------------------------------------------------------------------------------------------------


def test_supporter_name_is_filled_with_the_name_not_the_city():
    letter = render(body="I, {supporter_name}, of {supporter_city}, write.")

    assert letter.body == "I, Jana Nováková, of Brno, write."


def test_subject_placeholders_are_filled():
    letter = render(subject="  To the {salutation} of {host_country}, from {supporter_name} ({supporter_city}) ")

    assert letter.subject == "To the Dear Ambassador of Czechia, from Jana Nováková (Brno)"


def test_every_placeholder_is_filled_in_the_letters_language():
    letter = render(
        body="{salutation},\n{host_country}\n{date}\n{supporter_name}\n{supporter_city}",
        language="de",
        office=office(head_address_form=HeadAddressForm.FEMININE),
    )

    assert letter.body == "Sehr geehrte Frau Botschafterin,\nTschechien\n24. November 2026\nJana Nováková\nBrno"
    assert (letter.language, letter.salutation, letter.date) == (
        "de",
        "Sehr geehrte Frau Botschafterin",
        "24. November 2026",
    )


def test_the_salutation_follows_the_offices_head():
    consul = office(head_title=HeadTitle.CONSUL, head_address_form=HeadAddressForm.MASCULINE)

    assert render(body="{salutation},", office=consul).body == "Dear Mr Consul,"


def test_the_personal_paragraph_follows_the_body_after_a_blank_line():
    letter = render(body="\n  Text.  \n", personal_paragraph="  My neighbour fled.  \n")

    assert letter.body == "Text.\n\nMy neighbour fled."


def test_a_blank_personal_paragraph_adds_nothing():
    assert render(body="Text.", personal_paragraph=" \n ").body == "Text."


def test_closing_and_signature_end_the_letter_trimmed():
    letter = render(closing="  Yours sincerely,\n", supporter_name=" Jana ", supporter_city=" Brno ")

    assert (letter.closing, letter.signature_name, letter.signature_city) == ("Yours sincerely,", "Jana", "Brno")
    assert letter.text == "Text.\n\nYours sincerely,\nJana\nBrno\n"


def test_a_signature_without_city_or_closing_leaves_no_empty_lines():
    assert render(supporter_city="").text == "Text.\n\nYours sincerely,\nJana Nováková\n"
    assert render(closing="", supporter_name="", supporter_city="").text == "Text.\n"


def test_drafts_use_the_template_unless_the_supporter_edited_subject_or_body():
    class Template:
        language = "de"
        subject = "Protest an {host_country}"
        body = "{salutation},\n\nText."
        closing = "Mit freundlichen Grüßen"

    embassy = office()
    consulate = office(kind=OfficeKind.CONSULATE, head_title=HeadTitle.CONSUL, head_address_form="masculine")
    common = {"supporter_name": "Jana", "supporter_city": "Brno", "on_date": ON_DATE}

    drafts = letter_drafts_render(template=Template, offices=[embassy, consulate], personal_paragraph="P.", **common)

    assert [sent_to for sent_to, _letter in drafts] == [embassy, consulate]
    assert [letter.body for _office, letter in drafts] == [
        "Sehr geehrte Frau Botschafterin, sehr geehrter Herr Botschafter,\n\nText.\n\nP.",
        "Sehr geehrter Herr Konsul,\n\nText.\n\nP.",
    ]
    letter = drafts[0][1]
    assert (letter.language, letter.subject, letter.closing, letter.signature_name, letter.signature_city) == (
        "de",
        "Protest an Tschechien",
        "Mit freundlichen Grüßen",
        "Jana",
        "Brno",
    )
    assert letter.date == "24. November 2026"

    [(_office, edited)] = letter_drafts_render(
        template=Template, offices=[embassy], subject="Mein {host_country}", body="Mein Text.", **common
    )
    assert (edited.subject, edited.body) == ("Mein Tschechien", "Mein Text.")


# --- what a template may contain -------------------------------------------------------------------------------------


def test_every_known_placeholder_is_accepted_and_doubled_braces_are_text():
    template_placeholders_validate(" ".join(f"{{{name}}}" for name in PLACEHOLDERS) + " {{literal}} {{ }}")


def test_an_empty_placeholder_is_rejected():
    error = rejection("Dear {}, we write.")

    assert error.code == "placeholder_unknown"
    assert "Unknown placeholder: {}." in error.message % error.params


@pytest.mark.parametrize("text", ["{0}", "{host_country.name}", "{host_country[0]}", "{ host_country }"])
def test_positional_attribute_and_spaced_placeholders_are_rejected(text):
    assert rejection(text).code == "placeholder_unknown"


def test_unknown_placeholders_are_named_once_each_with_the_allowed_ones():
    error = rejection("{ambassador} {salutation} {city} {ambassador}")

    assert error.code == "placeholder_unknown"
    assert error.params == {
        "unknown": "{ambassador}, {city}",
        "allowed": "{host_country}, {salutation}, {supporter_name}, {supporter_city}, {date}",
    }
    assert error.message % error.params == (
        "Unknown placeholder: {ambassador}, {city}. "
        "Allowed: {host_country}, {salutation}, {supporter_name}, {supporter_city}, {date}."
    )


@pytest.mark.parametrize("text", ["{date:>9999999}", "{date!r}", "{salutation!s:^3}"])
def test_placeholder_options_are_rejected(text):
    assert rejection(text).code == "placeholder_options"


def test_placeholder_options_are_named_once_each():
    error = rejection("{date:%Y} and {date!r} and {host_country:>20} and {salutation}")

    assert error.params == {"plain": "{date}, {host_country}"}
    assert error.message % error.params == (
        "Placeholders take no options: write {date}, {host_country} without “:” or “!” after the name."
    )


def test_options_on_an_unknown_placeholder_are_reported_as_options():
    assert rejection("{ambassador:>5}").code == "placeholder_options"


@pytest.mark.parametrize("text", ["Hello {host_country", "Hello host_country}", "{", "}"])
def test_an_unmatched_brace_is_rejected_with_advice(text):
    error = rejection(text)

    assert error.code == "placeholder_syntax"
    assert error.message == (
        "The text has an unmatched { or }. Placeholders look like {host_country}; write {{ or }} for a brace."
    )


# --- numbered demands and the default language ---------------------------------------------------------------------


def test_numbered_demands_are_counted_at_line_starts():
    body = "We ask:\n1. Repeal the law.\n 2) Free them.\n10. Talk.\n100. Not a demand.\nSee 3. below.\n4.No space."

    assert letter_demands_count(body) == 3
    assert letter_demands_count("") == 0


@pytest.mark.parametrize(
    ("available", "interface", "office_languages", "expected"),
    [
        (["cs", "de", "en"], "de", ["cs", ""], "cs"),  # only Czech suits every office
        (["cs", "de", "en"], "de", ["", ""], "de"),  # offices without languages take any
        (["cs", "de", "en"], "pl", ["de,cs", "cs,de"], "de"),  # the first office's first choice
        (["cs", "de", "en"], "pl", ["", ""], "en"),
        (["cs", "de"], "pl", ["", ""], "cs"),
        (["cs", "de"], "pl", ["fr"], "cs"),  # nobody's language: the campaign's first
        (["cs", "de", "en"], "de", ["fr"], "de"),  # nobody's language: the interface's if the campaign has it
        ([], "pl", [""], ""),
    ],
)
def test_the_default_letter_language(available, interface, office_languages, expected):
    offices = (office(languages=languages) for languages in office_languages)  # any iterable, read more than once

    assert letter_language_default(available=available, interface_language=interface, offices=offices) == expected
