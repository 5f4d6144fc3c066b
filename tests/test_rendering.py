import datetime

from django.core.exceptions import ValidationError

import pytest

from campaign.letter_language import letter_date_text
from campaign.rendering import letter_render, template_placeholders_validate
from embassies.models import HeadTitle, Office, OfficeKind


def office(**fields) -> Office:
    defaults = {
        "sending_country": "UA",
        "host_country": "CZ",
        "kind": OfficeKind.EMBASSY,
        "name": "Embassy of Ukraine",
        "head_title": HeadTitle.AMBASSADOR,
        "city": "Praha",
    }
    return Office(**{**defaults, **fields})


def test_unknown_placeholder_is_named_in_the_error():
    with pytest.raises(ValidationError) as error:
        template_placeholders_validate("Hello {host_country} and {ambassador_name}")
    assert "{ambassador_name}" in str(error.value)


def test_unmatched_brace_is_rejected():
    with pytest.raises(ValidationError):
        template_placeholders_validate("Hello {host_country")


def test_render_fills_country_and_salutation_in_the_letter_language():
    letter = letter_render(
        subject="Protest",
        body="{salutation},\n\nCitizens of {host_country}.",
        closing="Yours sincerely,",
        office=office(head_title=HeadTitle.CONSUL_GENERAL),
        language="en",
        supporter_name="Jana",
        supporter_city="Brno",
        on_date=datetime.date(2026, 1, 2),
    )
    assert letter.body.startswith("Dear Consul General,\n\nCitizens of Czechia.")
    assert letter.text.endswith("Yours sincerely,\nJana\nBrno\n")
    german = letter_render(
        subject="Protest",
        body="{host_country}",
        closing="",
        office=office(),
        language="de",
        supporter_name="",
        supporter_city="",
        on_date=datetime.date(2026, 1, 2),
    )
    assert german.body == "Tschechien"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "24 November 2026"), ("cs", "24. listopadu 2026"), ("de", "24. November 2026")],
)
def test_letter_date_is_written_out_in_the_letter_language(language, expected):
    assert letter_date_text(on_date=datetime.date(2026, 11, 24), language=language) == expected
