"""The project's CSV layout of the directory: what the public download and the admin export write and the import reads."""

import csv
from collections.abc import Iterable

from .models import Office

# Never verified_by: it names an organiser.
COLUMNS = [
    "sending_country",
    "host_country",
    "kind",
    "name",
    "head_title",
    "street_lines",
    "postcode",
    "city",
    "address_country",
    "consular_district",
    "email",
    "other_emails",
    "phone",
    "fax",
    "website",
    "contact_form_url",
    "languages",
    "source",
    "source_date",
    "wikidata_id",
    "verified_on",
    "active",
]


# A cell starting with one of these runs as a formula in spreadsheet programs. Names and sources come from
# public sources anyone can edit (Wikidata), so the public download quotes them; the import takes the quote off.
# "+" and "-" stay: E.164 numbers start with "+", and a spreadsheet reads them as plain numbers.
FORMULA_STARTS = ("=", "@", "\t", "\r")
FORMULA_QUOTE = "'"


def spreadsheet_safe(text: str) -> str:
    return FORMULA_QUOTE + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_unquote(text: str) -> str:
    """The inverse of spreadsheet_safe, for files the directory wrote."""
    return text[1:] if text.startswith(FORMULA_QUOTE) and text[1:].startswith(FORMULA_STARTS) else text


def office_csv_row(office: Office) -> list[str]:
    values = {
        **{column: getattr(office, column) for column in COLUMNS},
        "other_emails": "; ".join(office.other_email_list),
        "verified_on": office.verified_on.isoformat() if office.verified_on else "",
        "active": "yes" if office.active else "no",
    }
    return [spreadsheet_safe(str(values[column] or "")) for column in COLUMNS]


def offices_csv_write(*, offices: Iterable[Office], stream) -> None:
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for office in offices:
        writer.writerow(office_csv_row(office))
