"""The project's CSV layout of the directory: what the public download and the admin export write and the import reads."""

from collections.abc import Iterable
from typing import TextIO

from django.http import HttpResponse

from common.spreadsheet import SpreadsheetSafeWriter

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


def office_csv_row(office: Office) -> list[str]:
    values = {
        **{column: getattr(office, column) for column in COLUMNS},
        "other_emails": "; ".join(office.other_email_list),
        "verified_on": office.verified_on.isoformat() if office.verified_on else "",
        "active": "yes" if office.active else "no",
    }
    return [str(values[column] or "") for column in COLUMNS]


def offices_csv_write(*, offices: Iterable[Office], stream: TextIO | HttpResponse) -> None:
    writer = SpreadsheetSafeWriter(stream)
    writer.writerow(COLUMNS)
    for office in offices:
        writer.writerow(office_csv_row(office))
