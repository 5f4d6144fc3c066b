"""Read an import file into rows keyed by the project's column names, whatever layout the file has."""

import csv
import io
import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The layout of a hand-gathered list (e.g. ukraine-missions-candidates.csv), mapped to the project's columns.
CANDIDATE_COLUMNS = {
    "host_country_iso2": "host_country",
    "office_type": "kind",
    "city": "city",
    "address": "street_lines",
    "postal_code": "postcode",
    "email": "email",
    "phone": "phone",
    "fax": "fax",
    "website": "website",
    "source": "source",
    "source_date": "source_date",
}

# Variables of the SPARQL query in docs/wikidata-import.md, mapped to the project's columns.
WIKIDATA_VARIABLES = {
    "officeLabel": "name",
    "hostCode": "host_country",
    "sendingCode": "sending_country",
    "types": "kind",
    "cityLabel": "city",
    "address": "street_lines",
    "postcode": "postcode",
    "email": "email",
    "phone": "phone",
    "fax": "fax",
    "website": "website",
}
WIKIDATA_ENTITY = re.compile(r"(Q\d+)$")


class ImportFileInvalid(ValueError):
    """The whole file cannot be read; the message says why."""


@dataclass
class SourceRow:
    line: int  # where the row starts in the file (the header is line 1); for JSON, the result's position
    values: dict[str, str]


def rows_read(*, content: bytes, filename: str) -> list[SourceRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileInvalid(_("The file is not UTF-8 text.")) from error
    if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
        return wikidata_rows_read(text=text)
    return csv_rows_read(text=text)


def csv_rows_read(*, text: str) -> list[SourceRow]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if "host_country_iso2" in header:
        mapping = CANDIDATE_COLUMNS
    elif "host_country" in header:
        mapping = {name: name for name in header}
    else:
        raise ImportFileInvalid(
            _(
                "Unknown columns. Use the directory's CSV layout (host_country, kind, city, ...) or host_country_iso2, office_type, city, ..."
            )
        )
    reader.fieldnames = header
    rows = []
    line = reader.line_num + 1
    for record in reader:
        values = {
            mapping[name]: (value or "").strip()
            for name, value in record.items()
            if name in mapping and isinstance(value, str)
        }
        rows.append(SourceRow(line=line, values=values))
        line = reader.line_num + 1
    return rows


def wikidata_rows_read(*, text: str) -> list[SourceRow]:
    try:
        bindings = json.loads(text)["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as error:
        raise ImportFileInvalid(_("This is not the JSON of a Wikidata SPARQL query result.")) from error
    rows = []
    for position, binding in enumerate(bindings, start=1):
        values = {
            column: str(binding[variable].get("value", "")).strip()
            for variable, column in WIKIDATA_VARIABLES.items()
            if isinstance(binding.get(variable), dict)
        }
        entity = WIKIDATA_ENTITY.search(str(binding.get("office", {}).get("value", "")))
        if entity:
            values["wikidata_id"] = entity.group(1)
            values["source"] = f"https://www.wikidata.org/wiki/{entity.group(1)}"
        rows.append(SourceRow(line=position, values=values))
    return rows
