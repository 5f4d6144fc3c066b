"""Read an import file into rows keyed by the project's column names, whatever layout the file has."""

import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.cells import FileUnreadable, csv_records_read, text_decode

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


class ImportFileInvalid(FileUnreadable):
    """The whole file cannot be read; the message says why and, where it can, on which line."""


@dataclass
class SourceRow:
    line: int  # where the row starts in the file (the header is line 1); for JSON, the result's position
    values: dict[str, str]


def rows_read(*, content: bytes, filename: str) -> list[SourceRow]:
    """Every row, or ImportFileInvalid before any is imported: a file is read whole or not at all."""
    try:
        text = text_decode(content=content)
        if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
            return wikidata_rows_read(text=text)
        return csv_rows_read(text=text)
    except ImportFileInvalid:
        raise
    except FileUnreadable as error:
        raise ImportFileInvalid(str(error)) from error


def csv_rows_read(*, text: str) -> list[SourceRow]:
    records = csv_records_read(text=text)
    _line, first = next(records, (1, []))
    header = [name.strip() for name in first]
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
    return [
        SourceRow(
            line=line,
            values={
                mapping[name]: value.strip() for name, value in zip(header, cells, strict=False) if name in mapping
            },
        )
        for line, cells in records
        if cells  # a blank line
    ]


def wikidata_rows_read(*, text: str) -> list[SourceRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileInvalid(
            _("Line %(line)d, column %(column)d: this is not valid JSON.")
            % {"line": error.lineno, "column": error.colno}
        ) from error
    except RecursionError as error:  # nested deeper than any query result
        raise ImportFileInvalid(_("This is not the JSON of a Wikidata SPARQL query result.")) from error
    results = document.get("results") if isinstance(document, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list):
        raise ImportFileInvalid(_("This is not the JSON of a Wikidata SPARQL query result."))
    return [
        SourceRow(line=position, values=binding_values_read(binding=binding, position=position))
        for position, binding in enumerate(bindings, start=1)
    ]


def binding_value_read(*, binding: dict, variable: str, position: int) -> str:
    """A variable's value; a variable the query left unbound is blank. Anything but text means another format."""
    if variable not in binding:
        return ""
    term = binding[variable]
    value = term.get("value", "") if isinstance(term, dict) else None
    if not isinstance(value, str):
        raise ImportFileInvalid(
            _("Result %(number)d, %(variable)s: the value is not text.") % {"number": position, "variable": variable}
        )
    return value


def binding_values_read(*, binding: object, position: int) -> dict[str, str]:
    if not isinstance(binding, dict):
        raise ImportFileInvalid(_("Result %(number)d is not an object of variables.") % {"number": position})
    values = {
        column: binding_value_read(binding=binding, variable=variable, position=position).strip()
        for variable, column in WIKIDATA_VARIABLES.items()
        if variable in binding
    }
    entity = WIKIDATA_ENTITY.search(binding_value_read(binding=binding, variable="office", position=position))
    if entity:
        values["wikidata_id"] = entity.group(1)
        values["source"] = f"https://www.wikidata.org/wiki/{entity.group(1)}"
    return values
