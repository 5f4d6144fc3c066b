"""Checks shared by the model, the admin form and the import. Plain values in, normalised values or reasons out."""

import re
from dataclasses import dataclass, field

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

import phonenumbers

from .phones import PhoneNumberInvalid, phone_parse

KNOWN_LANGUAGE_CODES = frozenset(code for code, _name in global_settings.LANGUAGES)
# Sources separate several values in one cell with any of these.
LIST_SEPARATORS = re.compile(r"[;,\n]+")


@dataclass
class NumbersResult:
    phone: str = ""
    fax: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    # One sentence per number whose country code is not the host's.
    foreign_warnings: list[str] = field(default_factory=list)


def number_foreign_warning(*, raw: str, host_country: str) -> str:
    try:
        number = phonenumbers.parse(raw, None)
        code = f"+{number.country_code}"
    except phonenumbers.NumberParseException:
        code = "?"
    host_code = phonenumbers.country_code_for_region(host_country.upper())
    return _("%(number)s has the country code %(code)s, but the host country's is +%(host_code)s.") % {
        "number": raw,
        "code": code,
        "host_code": host_code,
    }


def numbers_normalise(*, phone: str, fax: str, host_country: str) -> NumbersResult:
    """Phone and fax in E.164; a number from another country is kept but warned about."""
    result = NumbersResult()
    for field_name, raw in (("phone", phone), ("fax", fax)):
        raw = (raw or "").strip()
        if not raw:
            continue
        try:
            parsed = phone_parse(raw=raw, host_country=host_country)
        except PhoneNumberInvalid as error:
            result.errors[field_name] = [str(error)]
            continue
        setattr(result, field_name, parsed.e164)
        if parsed.foreign:
            result.foreign_warnings.append(number_foreign_warning(raw=parsed.e164, host_country=host_country))
    return result


def number_has_foreign_code(*, raw: str, host_country: str) -> bool:
    """Whether a number, valid or not, is written with a country code other than the host's."""
    text = (raw or "").strip()
    if not text.startswith(("+", "00")):
        return False
    try:
        number = phonenumbers.parse(text, host_country.upper())
    except phonenumbers.NumberParseException:
        return False
    return number.country_code != phonenumbers.country_code_for_region(host_country.upper())


def emails_split(text: str) -> tuple[list[str], list[str]]:
    """Addresses from a cell or text area (one per line, or separated by ; or ,) and the reasons for bad ones."""
    addresses, errors = [], []
    for candidate in LIST_SEPARATORS.split(text or ""):
        candidate = candidate.strip()
        if not candidate:
            continue
        try:
            validate_email(candidate)
        except ValidationError:
            errors.append(_("“%(value)s” is not a valid email address.") % {"value": candidate})
            continue
        if candidate.lower() not in (address.lower() for address in addresses):
            addresses.append(candidate)
    return addresses, errors


def languages_normalise(text: str) -> tuple[str, list[str]]:
    """ "uk, EN" -> "uk,en"; unknown codes are reasons."""
    codes, errors = [], []
    for code in LIST_SEPARATORS.split(text or ""):
        code = code.strip().lower()
        if not code:
            continue
        if code not in KNOWN_LANGUAGE_CODES:
            errors.append(_("“%(code)s” is not a known language code (e.g. uk, en, cs).") % {"code": code})
        elif code not in codes:
            codes.append(code)
    return ",".join(codes), errors
