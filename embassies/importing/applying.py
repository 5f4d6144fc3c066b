"""Records -> offices: find the office a record is about, change what differs, count what happened."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Office, OfficeKind
from .merging import OfficeRecord
from .rows import OFFICE_FIELDS

# Changing one of these on a verified office means nobody has checked the new facts.
CONTACT_FIELDS = {
    "kind", "name", "head_title", "street_lines", "postcode", "city", "address_country", "email", "other_emails",
    "phone", "fax", "website", "contact_form_url",
}  # fmt: skip


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # rows folded into another row about the same office
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    unverified: list[tuple[int, str]] = field(default_factory=list)  # verified offices whose contact facts changed

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append((line, reason))


def office_match(*, values: dict, source_identifies: bool = True) -> Office | None:
    """By Wikidata id, then source reference, then email, then city and kind (an embassy: the host country).
    source_identifies is False when the file itself has several offices with this source."""
    offices = Office.objects.all()
    if values.get("wikidata_id"):
        found = offices.filter(wikidata_id=values["wikidata_id"]).first()
        if found:
            return found
    same_place = offices.filter(sending_country=values["sending_country"], host_country=values["host_country"])
    if values.get("source") and source_identifies:
        # A source that lists several offices identifies none of them.
        by_source = list(same_place.filter(source=values["source"])[:2])
        if len(by_source) == 1:
            return by_source[0]
    if values.get("email"):
        found = same_place.filter(email__iexact=values["email"]).order_by("pk").first()
        if found:
            return found
    if values["kind"] == OfficeKind.EMBASSY:
        by_kind = list(same_place.filter(kind=OfficeKind.EMBASSY).order_by("pk")[:2])
        return (
            by_kind[0]
            if len(by_kind) == 1
            else same_place.filter(kind=values["kind"], city__iexact=values["city"]).first()
        )
    return same_place.filter(kind=values["kind"], city__iexact=values["city"]).order_by("pk").first()


def office_changes(*, office: Office, values: dict) -> dict:
    """What the record would change. A blank never clears a value: sources are partial."""
    changes = {}
    for name in OFFICE_FIELDS:
        value = values.get(name)
        if value in ("", None):
            continue
        if name == "numbers_need_review" and not value:
            continue
        if name == "wikidata_id" and office.wikidata_id:
            continue
        if name == "name" and values.get("name_generated"):
            continue  # a name we made up never replaces the one an office already has
        if str(getattr(office, name)) != str(value):
            changes[name] = value
    if not {"phone", "fax"} & changes.keys():
        # The numbers stay as an organiser left them, and so does their review.
        changes.pop("numbers_need_review", None)
        changes.pop("numbers_review_note", None)
    return changes


def office_record_assign(*, office: Office, values: dict) -> tuple[bool, bool]:
    """Set what the record changes on the office, without saving. Returns (changed, verification_lost)."""
    if office.pk is None:
        for name in OFFICE_FIELDS:
            if values.get(name) is not None:
                setattr(office, name, values[name])
        return True, False
    changes = office_changes(office=office, values=values)
    verification_lost = office.is_verified and bool(CONTACT_FIELDS & changes.keys())
    for name, value in changes.items():
        setattr(office, name, value)
    if verification_lost:
        office.verified_on, office.verified_by = None, ""
    return bool(changes), verification_lost


def office_record_apply(*, values: dict, office: Office | None) -> tuple[str, Office, bool]:
    """Create or update one office. Returns (outcome, office, verification_lost)."""
    new = office is None
    office = office or Office()
    changed, verification_lost = office_record_assign(office=office, values=values)
    if not changed:
        return "unchanged", office, False
    office.save()
    return ("created" if new else "updated"), office, verification_lost


def source_key(values: dict) -> tuple:
    return (values["sending_country"], values["host_country"], values.get("source", ""))


def text_fold(text: str) -> str:
    """Case folding for the iexact lookups office_match makes (PostgreSQL compares UPPER() of both sides)."""
    return str(text).upper()


class OfficeIndex:
    """Every office loaded once, with the lookups office_match makes as dictionaries, so matching a record costs
    the same however many offices and rows there are. Kept current as records create and update offices, so a
    later record of the same run matches what an earlier one wrote, as office_match would."""

    def __init__(self) -> None:
        self.offices: dict[int, Office] = {}
        self.keys: dict[int, list[tuple]] = {}  # office id -> the keys it is filed under
        self.by_key: dict[tuple, set[int]] = {}
        for office in Office.objects.all():
            self.add(office)

    @staticmethod
    def office_keys(office: Office) -> list[tuple]:
        place = (str(office.sending_country), str(office.host_country))
        kind = str(office.kind)
        keys = [("source", *place, office.source), ("city", *place, kind, text_fold(office.city))]
        if office.wikidata_id:
            keys.append(("wikidata", office.wikidata_id))
        if office.email:
            keys.append(("email", *place, text_fold(office.email)))
        if kind == OfficeKind.EMBASSY:
            keys.append(("embassy", *place))
        return keys

    def add(self, office: Office) -> None:
        self.offices[office.pk] = office
        self.keys[office.pk] = self.office_keys(office)
        for key in self.keys[office.pk]:
            self.by_key.setdefault(key, set()).add(office.pk)

    def remove(self, pk: int) -> None:
        for key in self.keys.pop(pk, []):
            self.by_key[key].discard(pk)
        self.offices.pop(pk, None)

    def refile(self, office: Office) -> None:
        """After a save: file the office under what it now holds."""
        self.remove(office.pk)
        self.add(office)

    def reload(self, pk: int) -> None:
        """After a failed save: the office as the database still has it."""
        self.remove(pk)
        office = Office.objects.filter(pk=pk).first()
        if office is not None:
            self.add(office)

    def found(self, key: tuple) -> list[Office]:
        return [self.offices[pk] for pk in sorted(self.by_key.get(key, ()))]

    def match(self, *, values: dict, source_identifies: bool = True) -> Office | None:
        """office_match, from the index: the same office for the same database."""
        if values.get("wikidata_id"):
            found = self.found(("wikidata", values["wikidata_id"]))
            if found:
                return found[0]
        place = (str(values["sending_country"]), str(values["host_country"]))
        if values.get("source") and source_identifies:
            pks = self.by_key.get(("source", *place, values["source"]), ())
            if len(pks) == 1:
                return self.offices[next(iter(pks))]
        if values.get("email"):
            found = self.found(("email", *place, text_fold(values["email"])))
            if found:
                return found[0]
        same_city = self.found(("city", *place, str(values["kind"]), text_fold(values["city"])))
        if values["kind"] == OfficeKind.EMBASSY:
            pks = self.by_key.get(("embassy", *place), ())
            if len(pks) == 1:
                return self.offices[next(iter(pks))]
            # office_match's .first() here follows Office.Meta.ordering (host country and kind are the same).
            return min(same_city, key=lambda office: (office.city, office.name, office.pk), default=None)
        return same_city[0] if same_city else None


def records_apply(*, records: list[OfficeRecord], report: ImportReport) -> None:
    claimed: dict[int, int] = {}  # office id -> the line that matched it
    sources = Counter(source_key(record.values) for record in records)
    index = OfficeIndex()
    for record in records:
        report.notes += record.notes
        report.merged += len(record.lines) - 1
        office = index.match(values=record.values, source_identifies=sources[source_key(record.values)] == 1)
        if office is not None and office.pk in claimed:
            for line in record.lines:
                report.reject(
                    line, _("The same office as line %(line)s; merge the two rows.") % {"line": claimed[office.pk]}
                )
            continue
        try:
            with transaction.atomic():
                outcome, office, verification_lost = office_record_apply(values=record.values, office=office)
        except IntegrityError:
            if office is not None and office.pk is not None:
                index.reload(office.pk)  # the failed save left changes on the object that the database does not have
            for line in record.lines:
                report.reject(
                    line, _("Another office already has this sending state, host country, kind, city and name.")
                )
            continue
        if outcome != "unchanged":
            index.refile(office)
        claimed[office.pk] = record.line
        setattr(report, outcome, getattr(report, outcome) + 1)
        for line in record.lines[1:]:
            report.notes.append(
                (line, _("Same office as line %(line)s; merged, the newer source wins.") % {"line": record.line})
            )
        if verification_lost:
            report.unverified.append(
                (
                    record.line,
                    _("%(office)s: contact facts changed, so it is unverified again.") % {"office": office.name},
                )
            )
