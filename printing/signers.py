"""Read a list of signers, typed in or uploaded as CSV: one per line, `name[, city]`. Pure functions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.cells import FileUnreadable, cell_check, csv_records_read, text_decode
from common.text import text_line_clean

SIGNERS_MAX = 2000
NAME_MAX = 100
CITY_MAX = 100
CSV_BYTES_MAX = 512 * 1024
ERRORS_SHOWN = 20
HEADER_NAMES = {"name", "jméno", "jmeno", "name,city", "imię", "ім'я", "имя", "nome"}


@dataclass(frozen=True)
class SignerRow:
    name: str
    city: str


def signers_parse(text: str) -> list[SignerRow]:
    """Every line a signer. Raises one ValidationError listing each bad line by its number."""
    rows: list[SignerRow] = []
    errors: list[str] = []
    try:
        records = list(csv_records_read(text=text, skipinitialspace=True))
    except FileUnreadable as error:
        raise ValidationError(str(error), code="csv") from error
    for number, fields in records:
        # Whitespace controls (tab, line breaks) become spaces here; the cell check refuses the others.
        fields = [text_line_clean(value) for value in fields]
        if not any(fields):
            continue
        if number == 1 and fields[0].lower() in HEADER_NAMES:
            continue
        problem = _row_problem(fields)
        if problem:
            errors.append(_("Line %(number)d: %(problem)s") % {"number": number, "problem": problem})
            continue
        rows.append(SignerRow(name=fields[0], city=fields[1] if len(fields) > 1 else ""))
    if len(errors) > ERRORS_SHOWN:
        errors = errors[:ERRORS_SHOWN] + [_("…and %(count)d more lines.") % {"count": len(errors) - ERRORS_SHOWN}]
    if errors:
        raise ValidationError(errors, code="bad_rows")
    if len(rows) > SIGNERS_MAX:
        raise ValidationError(
            _("At most %(max)d signers per batch; this list has %(count)d.") % {"max": SIGNERS_MAX, "count": len(rows)},
            code="too_many",
        )
    return rows


def signers_csv_decode(data: bytes) -> str:
    """An uploaded CSV file as text; spreadsheets often add a byte-order mark."""
    if len(data) > CSV_BYTES_MAX:
        raise ValidationError(_("The file is larger than 512 KB."), code="too_large")
    try:
        return text_decode(content=data)
    except FileUnreadable as error:
        advice = _("Save it from your spreadsheet as “CSV UTF-8” and upload it again.")
        raise ValidationError(f"{error} {advice}", code="encoding") from error


def _row_problem(fields: list[str]) -> str:
    if len(fields) > 2:
        return _("expected “name” or “name, city” but found %(count)d values; put a name with a comma in quotes.") % {
            "count": len(fields)
        }
    if not fields[0]:
        return _("the name is missing.")
    limits = ((pgettext("signer list", "the name"), NAME_MAX), (pgettext("signer list", "the city"), CITY_MAX))
    problems = (
        cell_check(value=value, column=column, max_length=limit)
        for value, (column, limit) in zip(fields, limits, strict=False)
    )
    return next((problem for problem in problems if problem), "")
