"""Phone and fax numbers: parse against the host country, store E.164, explain what is wrong."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

import phonenumbers


class PhoneNumberInvalid(ValueError):
    """The text is not a usable phone number; the message says why, in the user's language."""


@dataclass(frozen=True)
class ParsedPhone:
    e164: str
    region: str | None  # the region the number belongs to, e.g. "CZ"
    foreign: bool  # its country code is not the host country's


def phone_parse(*, raw: str, host_country: str) -> ParsedPhone:
    text = (raw or "").strip()
    if not text:
        raise PhoneNumberInvalid(_("The number is empty."))
    host = (host_country or "").upper() or None
    try:
        number = phonenumbers.parse(text, host)
    except phonenumbers.NumberParseException as error:
        reasons = {
            phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: _(
                "The country code is missing or unknown. Start the number with + and the country code."
            ),
            phonenumbers.NumberParseException.NOT_A_NUMBER: _("This is not a phone number."),
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: _("The number is too short."),
            phonenumbers.NumberParseException.TOO_SHORT_NSN: _("The number is too short."),
            phonenumbers.NumberParseException.TOO_LONG: _("The number is too long."),
        }
        raise PhoneNumberInvalid(reasons.get(error.error_type, _("This is not a phone number."))) from error
    if not phonenumbers.is_possible_number(number):
        raise PhoneNumberInvalid(_("The number has the wrong length for its country."))
    if not phonenumbers.is_valid_number(number):
        raise PhoneNumberInvalid(_("The number is not valid for its country."))
    region = phonenumbers.region_code_for_number(number)
    host_code = phonenumbers.country_code_for_region(host) if host else 0
    return ParsedPhone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        region=region,
        foreign=bool(host_code) and number.country_code != host_code,
    )


def phone_format(e164: str, *, national: bool = False) -> str:
    """International or national display format of a stored E.164 number."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)
