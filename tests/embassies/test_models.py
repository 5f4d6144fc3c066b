"""Model rules: database constraints, clean() normalisation, who may receive mail, scope helpers."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from embassies.models import HeadTitle, Office, OfficeKind
from embassies.phones import PhoneNumberInvalid, phone_format, phone_parse
from embassies.selectors import country_office_counts, office_list_for_country
from embassies.services import office_email_flag
from tests.factories import OfficeFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db


def integrity_error(**fields) -> bool:
    try:
        with transaction.atomic():
            OfficeFactory(**fields)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "fields",
    [
        {"host_country": "UA"},  # an office abroad
        {"kind": "palace"},
        {"head_title": "king"},
        {"phone": "233 342 000"},  # not E.164
        {"fax": "233 342 001"},
        {"verified_by": "someone", "verified_on": None},
        {"name": ""},
        {"city": ""},
    ],
)
def test_database_refuses_broken_offices(fields):
    assert integrity_error(**fields)


def test_wikidata_id_and_identity_are_unique():
    OfficeFactory(wikidata_id="Q1", name="A", city="Praha")
    assert integrity_error(wikidata_id="Q1")
    assert integrity_error(name="A", city="Praha")
    assert not integrity_error(wikidata_id="")  # many offices have none
    assert not integrity_error(wikidata_id="")


def test_clean_normalises_numbers_lists_and_title():
    office = OfficeFactory.build(
        kind=OfficeKind.CONSULATE_GENERAL, head_title="", phone="233 342 000", fax="00420 233 342 001",
        other_emails="a@example.org; b@example.org\na@example.org", languages=" UK, en ,cs",
    )  # fmt: skip

    office.full_clean()

    assert office.phone == "+420233342000" and office.fax == "+420233342001"
    assert office.other_email_list == ["a@example.org", "b@example.org"]
    assert office.languages == "uk,en,cs"
    assert office.head_title == HeadTitle.CONSUL_GENERAL
    assert not office.numbers_need_review


def test_clean_flags_a_foreign_code_and_rejects_invalid_numbers_with_reasons():
    foreign = OfficeFactory.build(phone="+43 1 4797172")
    foreign.full_clean()
    assert foreign.numbers_need_review

    broken = OfficeFactory.build(phone="+420 12", fax="call us", other_emails="nope", languages="klingon")
    with pytest.raises(ValidationError) as error:
        broken.full_clean()
    assert set(error.value.message_dict) >= {"phone", "fax", "other_emails", "languages"}


def test_clean_refuses_an_office_in_its_own_state():
    with pytest.raises(ValidationError) as error:
        OfficeFactory.build(host_country="UA").full_clean()
    assert "host_country" in error.value.message_dict


@pytest.mark.parametrize(
    ("raw", "host", "e164", "foreign"),
    [
        ("+420 233 342 000", "CZ", "+420233342000", False),
        ("233 342 000", "cz", "+420233342000", False),
        ("+43 1 4797172", "CZ", "+4314797172", True),
        ("+41 (0)31 352-23-16", "CH", "+41313522316", False),
    ],
)
def test_phone_parse(raw, host, e164, foreign):
    parsed = phone_parse(raw=raw, host_country=host)
    assert (parsed.e164, parsed.foreign) == (e164, foreign)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("", "empty"), ("hello", "not a phone number"), ("+420 12", "length"), ("+20-77276312", "not valid")],
)
def test_phone_parse_says_why(raw, reason):
    with pytest.raises(PhoneNumberInvalid, match=reason):
        phone_parse(raw=raw, host_country="GB")


def test_phone_format_both_ways():
    assert phone_format("+420233342000") == "+420 233 342 000"
    assert phone_format("+420233342000", national=True) == "233 342 000"
    assert phone_format("+493028887116", national=True).startswith("030")


def test_only_verified_active_unflagged_offices_may_receive_mail():
    unverified = OfficeFactory()
    verified = VerifiedOfficeFactory()
    closed = VerifiedOfficeFactory(active=False)
    flagged = VerifiedOfficeFactory()
    office_email_flag(office=flagged, reason="bounced")

    assert list(Office.objects.emailable()) == [verified]
    assert not unverified.can_receive_email and not closed.can_receive_email
    flagged.refresh_from_db()
    assert flagged.email_flagged_at <= timezone.now() and not flagged.can_receive_email


def test_office_list_for_country_order_and_filters():
    OfficeFactory(kind=OfficeKind.HONORARY_CONSULATE, city="Aš", name="H")
    OfficeFactory(kind=OfficeKind.CONSULATE, city="Brno", name="C")
    OfficeFactory(kind=OfficeKind.CONSULATE_GENERAL, city="Ostrava", name="CG")
    OfficeFactory(kind=OfficeKind.EMBASSY, city="Praha", name="E")
    OfficeFactory(kind=OfficeKind.EMBASSY, city="Praha", name="RU", sending_country="RU")
    OfficeFactory(kind=OfficeKind.CONSULATE, city="Zlín", name="Closed", active=False)

    assert [o.name for o in office_list_for_country(host_country="cz", sending_country="UA")] == ["E", "CG", "C", "H"]
    assert [o.name for o in office_list_for_country(host_country="CZ", sending_country="ru")] == ["RU"]
    assert len(office_list_for_country(host_country="CZ")) == 5


def test_country_office_counts_per_sending_state():
    OfficeFactory.create_batch(2)
    OfficeFactory(sending_country="RU")

    assert [(c.code, c.office_count) for c in country_office_counts()] == [("CZ", 3)]
    assert [(c.code, c.office_count) for c in country_office_counts(sending_country="ru")] == [("CZ", 1)]
