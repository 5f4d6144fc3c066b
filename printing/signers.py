"""Read a list of signers, typed in or uploaded as CSV: one per line, `name[, city]`. Pure functions."""

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.text import text_line_clean

SIGNERS_MAX = 2000
NAME_MAX = 100
CITY_MAX = 100
CSV_BYTES_MAX = 512 * 1024
ERRORS_SHOWN = 20
HEADER_NAMES = {"name", "jméno", "jmeno", "name,city", "imię", "ім'я", "имя", "nome"}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SignerRow:
    name: str
    city: str


def signers_parse(text: str) -> list[SignerRow]:
    """Every line a signer. Raises one ValidationError listing each bad line by its number."""
    rows: list[SignerRow] = []
    errors: list[str] = []
    try:
        lines = list(csv.reader(io.StringIO(text.replace("\x00", "")), skipinitialspace=True))
    except csv.Error as error:
        raise ValidationError(_("The list could not be read as CSV: %(error)s") % {"error": error}) from error
    for number, fields in enumerate(lines, start=1):
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
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and upload it again."),
            code="encoding",
        ) from error


def _row_problem(fields: list[str]) -> str:
    if len(fields) > 2:
        return _("expected “name” or “name, city” but found %(count)d values; put a name with a comma in quotes.") % {
            "count": len(fields)
        }
    if not fields[0]:
        return _("the name is missing.")
    if len(fields[0]) > NAME_MAX:
        return _("the name is longer than %(max)d characters.") % {"max": NAME_MAX}
    if len(fields) > 1 and len(fields[1]) > CITY_MAX:
        return _("the city is longer than %(max)d characters.") % {"max": CITY_MAX}
    if any(CONTROL_CHARACTERS.search(value) for value in fields):
        return _("it contains invisible control characters.")
    return ""
