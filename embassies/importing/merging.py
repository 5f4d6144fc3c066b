"""Rows of one file that describe the same office become one record, the same way on every run."""

from dataclasses import dataclass, field

from ..models import OfficeKind
from .rows import OfficeRow, office_name_generate

# Taken together from one row, so an address is never stitched from two sources of different years.
ADDRESS_FIELDS = ("street_lines", "postcode", "city")
NUMBER_FIELDS = ("phone", "fax", "numbers_need_review", "numbers_review_note")


@dataclass
class OfficeRecord:
    values: dict
    lines: list[int]  # every row merged into it, the row whose facts won first
    notes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0]


def office_identity_keys(values: dict) -> list[tuple]:
    """Keys under which two rows are the same office. A sending state has one embassy per host country,
    so an embassy's city (often a district or another spelling) does not tell offices apart."""
    place = (values["sending_country"], values["host_country"])
    keys: list[tuple] = []
    if values.get("wikidata_id"):
        keys.append(("wikidata", values["wikidata_id"]))
    if values.get("email"):
        keys.append(("email", *place, values["email"].lower()))
    if values["kind"] == OfficeKind.EMBASSY:
        keys.append(("embassy", *place))
    else:
        keys.append(("city", *place, values["kind"], values["city"].casefold()))
    return keys


def rows_group(rows: list[OfficeRow]) -> list[list[OfficeRow]]:
    """Union of rows sharing any identity key, in file order."""
    parent = list(range(len(rows)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first_with_key: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        for key in office_identity_keys(row.values):
            if key in first_with_key:
                parent[root(index)] = root(first_with_key[key])
            else:
                first_with_key[key] = index
    groups: dict[int, list[OfficeRow]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(root(index), []).append(row)
    return list(groups.values())


def rows_merge(rows: list[OfficeRow]) -> OfficeRecord:
    """The newest source wins; blanks are filled from older rows. Ties go to the earlier line."""
    ordered = sorted(rows, key=lambda row: (-int(row.date_key.replace("-", "") or 0), row.line))
    newest = ordered[0]
    values = dict(newest.values)
    grouped = set(ADDRESS_FIELDS) | set(NUMBER_FIELDS)
    for name in values:
        if name in grouped or name in ("name", "name_generated"):
            continue
        values[name] = next((row.values[name] for row in ordered if row.values[name] not in ("", None)), values[name])
    with_address = next((row for row in ordered if row.values["street_lines"]), newest)
    values.update({name: with_address.values[name] for name in ADDRESS_FIELDS})
    with_numbers = next(
        (row for row in ordered if row.values["phone"] or row.values["fax"] or row.values["numbers_review_note"]),
        newest,
    )
    values.update({name: with_numbers.values[name] for name in NUMBER_FIELDS})
    given = next((row for row in ordered if row.name_given), None)
    values["name"] = (
        given.values["name"]
        if given
        else office_name_generate(
            kind=values["kind"],
            sending_country=values["sending_country"],
            host_country=values["host_country"],
            city=values["city"],
        )
    )
    values["name_generated"] = given is None
    record = OfficeRecord(values=values, lines=[row.line for row in ordered])
    record.notes = [(row.line, note) for row in ordered for note in row.notes]
    return record


def records_from_rows(rows: list[OfficeRow]) -> list[OfficeRecord]:
    records = [rows_merge(group) for group in rows_group(rows)]
    return sorted(records, key=lambda record: min(record.lines))
