"""One source row -> the Office fields it states, or the reasons it cannot be imported."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from django_countries import countries
from django_countries.fields import Country

from common.cells import cell_check
from common.spreadsheet import spreadsheet_unquote

from ..models import DEFAULT_HEAD_TITLE, HeadTitle, Office, OfficeKind
from ..phones import PhoneNumberInvalid, phone_parse
from ..validation import emails_split, number_foreign_warning, number_has_foreign_code

# Words sources use for an office's kind, checked in this order (the first match wins).
KIND_WORDS = [
    ("honorary", OfficeKind.HONORARY_CONSULATE),
    ("consulate general", OfficeKind.CONSULATE_GENERAL),
    ("consulate-general", OfficeKind.CONSULATE_GENERAL),
    ("consulate_general", OfficeKind.CONSULATE_GENERAL),
    ("general consulate", OfficeKind.CONSULATE_GENERAL),
    ("consulate", OfficeKind.CONSULATE),
    ("embassy", OfficeKind.EMBASSY),
    ("mission", OfficeKind.MISSION),
    ("delegation", OfficeKind.MISSION),
]
WIKIDATA_IN_SOURCE = re.compile(r"\bWikidata (Q\d+)\b")
SOURCE_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
TRUE_WORDS = {"yes", "true", "1", "y", "ja", "ano", "так"}
FALSE_WORDS = {"no", "false", "0", "n", "nein", "ne", "ні"}
# The fields a row may set on an office. verified_on/verified_by never come from a file.
OFFICE_FIELDS = [
    "sending_country", "host_country", "kind", "name", "head_title", "street_lines", "postcode", "city",
    "address_country", "consular_district", "email", "other_emails", "phone", "fax", "numbers_need_review",
    "numbers_review_note", "website", "contact_form_url", "languages", "source", "source_date", "wikidata_id", "active",
]  # fmt: skip
# The cells office_row_parse reads, and those that may hold several lines (an address, a list of numbers or addresses).
READ_COLUMNS = [name for name in OFFICE_FIELDS if not name.startswith("numbers_")]
MULTILINE_COLUMNS = {"street_lines", "consular_district", "email", "other_emails", "phone", "fax", "source"}


class RowRejected(ValueError):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class OfficeRow:
    line: int
    values: dict  # Office field -> value, blanks included
    notes: list[str] = field(default_factory=list)

    @property
    def name_given(self) -> bool:
        return not self.values.get("name_generated")

    @property
    def date_key(self) -> str:
        """Sortable source date; undated sources sort oldest."""
        match = SOURCE_DATE.match(self.values.get("source_date", ""))
        return "-".join(part or "00" for part in match.groups()) if match else ""


def kind_from_text(text: str) -> str | None:
    words = text.strip().lower().replace("_", " ")
    if words in OfficeKind.values:
        return words
    for word, kind in KIND_WORDS:
        if word.replace("_", " ") in words:
            return kind
    return None


def office_name_generate(*, kind: str, sending_country: str, host_country: str, city: str) -> str:
    """An English name for sources that give none: 'Embassy of Ukraine in Czechia', 'Consulate General of Ukraine in Brno'."""
    with translation.override("en"):
        sending = str(Country(sending_country).name)
        host = str(Country(host_country).name)
        kind_name = str(OfficeKind(kind).label).title().replace(" Of ", " of ")
        where = host if kind in (OfficeKind.EMBASSY, OfficeKind.MISSION) else city
        if kind == OfficeKind.MISSION:
            kind_name = "Mission"
        return f"{kind_name} of {sending} in {where}"


def street_lines_clean(*, address: str, postcode: str, city: str) -> str:
    """Drop the postcode and city a source repeats inside its address; the letter prints them on their own line."""
    if "\n" in address:
        return "\n".join(line.strip() for line in address.splitlines() if line.strip())
    repeated = {
        part.casefold() for part in (postcode, city, f"{postcode} {city}", f"{city} {postcode}") if part.strip()
    }
    parts = [part.strip() for part in address.split(",")]
    kept = [part for part in parts if part and part.casefold() not in repeated]
    return ", ".join(kept)


def url_clean(raw: str, *, column: str, reasons: list[str]) -> str:
    url = raw.strip()
    if not url:
        return ""
    if "://" not in url:
        url = f"https://{url}"
    try:
        URLValidator()(url)
    except ValidationError:
        reasons.append(_("%(column)s: “%(value)s” is not a web address.") % {"column": column, "value": raw})
        return ""
    return url


def number_import(*, raw: str, column: str, host_country: str, row: OfficeRow, reasons: list[str]) -> str:
    """The first number of a cell in E.164. A number with another country's code is kept (or, if invalid, left
    out) and the office flagged for review; an invalid number of the host country rejects the row."""
    numbers = [part.strip() for part in re.split(r"[;\n]+", raw.removeprefix("tel:")) if part.strip()]
    if not numbers:
        return ""
    for extra in numbers[1:]:
        row.notes.append(
            _("%(column)s: only the first number is kept; %(number)s was left out.")
            % {"column": column, "number": extra}
        )
    first = numbers[0]
    try:
        parsed = phone_parse(raw=first, host_country=host_country)
    except PhoneNumberInvalid as error:
        if number_has_foreign_code(raw=first, host_country=host_country):
            warning = number_foreign_warning(raw=first, host_country=host_country)
            row.values["numbers_need_review"] = True
            row.values["numbers_review_note"] = f"{column}: {warning} {error}"[:300]
            row.notes.append(
                _(
                    "%(column)s: %(warning)s It is not valid (%(reason)s), so it was left out and the office flagged for review."
                )
                % {"column": column, "warning": warning, "reason": error}
            )
            return ""
        reasons.append(f"{column}: {first}: {error}")
        return ""
    if parsed.foreign:
        warning = number_foreign_warning(raw=parsed.e164, host_country=host_country)
        row.values["numbers_need_review"] = True
        row.values["numbers_review_note"] = f"{column}: {warning}"[:300]
        row.notes.append(
            _("%(column)s: %(warning)s The office is flagged for review.") % {"column": column, "warning": warning}
        )
    return parsed.e164


def office_row_parse(*, line: int, values: dict[str, str], sending_country: str | None) -> OfficeRow:
    """Check and normalise one row. Raises RowRejected with every reason found."""
    reasons = cells_check(values=values)
    if reasons:
        raise RowRejected(reasons)  # the other checks would quote the bad cells back
    get = lambda column: spreadsheet_unquote((values.get(column) or "").strip())  # noqa: E731
    row = OfficeRow(line=line, values={"numbers_need_review": False, "numbers_review_note": ""})

    sending = (get("sending_country") or sending_country or "").upper()
    host = get("host_country").upper()
    if not sending:
        reasons.append(
            _("No sending state: add a sending_country column (the import command also takes --sending-state).")
        )
    elif sending not in countries:
        reasons.append(_("sending_country: “%(code)s” is not an ISO country code.") % {"code": sending})
    if host not in countries:
        reasons.append(_("host_country: “%(code)s” is not an ISO country code.") % {"code": get("host_country")})
    elif host == sending:
        reasons.append(_("host_country: an office abroad cannot be in the sending state."))
    kind = kind_from_text(get("kind"))
    if not kind:
        reasons.append(_("kind: “%(kind)s” is not a known kind of office.") % {"kind": get("kind")})
    city = get("city")
    if not city:
        reasons.append(_("city: the city is missing."))
    head_title = get("head_title").lower()
    if head_title and head_title not in HeadTitle.values:
        reasons.append(_("head_title: “%(title)s” is not a known title.") % {"title": head_title})
    if reasons:
        raise RowRejected(reasons)

    emails, email_errors = emails_split(get("email").removeprefix("mailto:"))
    other_emails, other_errors = emails_split(get("other_emails"))
    reasons += [f"email: {error}" for error in email_errors] + [f"other_emails: {error}" for error in other_errors]
    all_emails = [*emails, *(address for address in other_emails if address not in emails)]
    postcode = get("postcode")
    wikidata = get("wikidata_id") or (WIKIDATA_IN_SOURCE.search(get("source")) or [None, ""])[1]
    active_text = get("active").lower()
    if active_text and active_text not in TRUE_WORDS | FALSE_WORDS:
        reasons.append(_("active: “%(value)s” is neither yes nor no.") % {"value": get("active")})
    row.values.update(
        sending_country=sending,
        host_country=host,
        kind=kind,
        head_title=head_title or DEFAULT_HEAD_TITLE[kind],
        city=city,
        postcode=postcode,
        street_lines=street_lines_clean(address=get("street_lines"), postcode=postcode, city=city),
        address_country=get("address_country").upper(),
        consular_district=get("consular_district"),
        email=all_emails[0] if all_emails else "",
        other_emails="\n".join(all_emails[1:]),
        phone=number_import(raw=get("phone"), column="phone", host_country=host, row=row, reasons=reasons),
        fax=number_import(raw=get("fax"), column="fax", host_country=host, row=row, reasons=reasons),
        website=url_clean(get("website"), column="website", reasons=reasons),
        contact_form_url=url_clean(get("contact_form_url"), column="contact_form_url", reasons=reasons),
        languages=get("languages"),
        source=get("source"),
        source_date=get("source_date"),
        wikidata_id=wikidata,
        active=None if not active_text else active_text in TRUE_WORDS,
        name=get("name") or office_name_generate(kind=kind, sending_country=sending, host_country=host, city=city),
        name_generated=not get("name"),
    )
    if reasons:
        raise RowRejected(reasons)
    office_row_check(row=row)
    return row


def cells_check(*, values: dict[str, str]) -> list[str]:
    """NUL bytes, control characters and runaway lengths, one reason per cell. The model checks each field's own
    max_length once the cell is normalised: a phone cell may list several numbers, a kind cell several types."""
    return [
        problem
        for column in READ_COLUMNS
        if (problem := cell_check(value=values.get(column) or "", column=column, multiline=column in MULTILINE_COLUMNS))
    ]


def office_row_check(*, row: OfficeRow) -> None:
    """The model's own checks (lengths, languages, address country), so nothing fails later when saving."""
    office = Office(**{name: value for name, value in row.values.items() if name in OFFICE_FIELDS and name != "active"})
    try:
        office.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise RowRejected([f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]) from error
    row.values.update(languages=office.languages, other_emails=office.other_emails)
