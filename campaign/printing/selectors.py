"""Reads for printing: which letters a batch holds, and who may see which batches."""

import datetime
from collections import Counter

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from campaign.selectors import letter_drafts_render
from embassies.models import Office, OfficeKind

from .models import Batch, Group, SignerMode
from .pdf.documents import AddressLabel, CoverSheet, PrintLetter

KIND_RANK = {kind: rank for rank, kind in enumerate(OfficeKind.values)}


def office_sort_key(office: Office) -> tuple:
    """Embassy first, then consulates general, consulates and honorary consulates, by city."""
    return (KIND_RANK.get(office.kind, len(KIND_RANK)), office.city, office.name)


def batch_offices_resolve(*, campaign, host_country: str, selected: list[Office] | None) -> list[Office]:
    """The offices a batch writes to: the selection, or every active office of the country."""
    if selected is None:
        selected = Office.objects.active().filter(sending_country=campaign.sending_country, host_country=host_country)
    return sorted(selected, key=office_sort_key)


def batch_letters_per_office(*, batch: Batch) -> int:
    return batch.signers_count if batch.signer_mode == SignerMode.SIGNERS else batch.copies_per_office


def batch_print_letters(*, batch: Batch, on_date: datetime.date) -> list[PrintLetter]:
    """Every letter of the batch, office by office (the order the cover sheet and labels follow)."""
    group = batch.group
    offices = sorted(batch.offices.all(), key=office_sort_key)
    if batch.signer_mode == SignerMode.SIGNERS:
        signatures = [(signer.name, signer.city) for signer in batch.signers.all()]
        copies, sign_lines = 1, 0
    elif batch.signer_mode == SignerMode.GROUP:
        signatures = [(batch.group_signature or group.name, group.city)]
        copies, sign_lines = batch.copies_per_office, 0
    else:
        signatures = [("", group.city)]
        copies, sign_lines = batch.copies_per_office, batch.sign_lines
    drafts_by_signature = [
        letter_drafts_render(
            template=batch.template, offices=offices, supporter_name=name, supporter_city=city, on_date=on_date
        )
        for name, city in signatures
    ]
    letters: list[PrintLetter] = []
    for position, office in enumerate(offices):
        for drafts in drafts_by_signature:
            print_letter = PrintLetter(
                letter=drafts[position][1],
                recipient_name=office.name,
                recipient_lines=tuple(office.postal_address_lines),
                sender_name=group.name,
                sender_city=group.city,
                sign_lines=sign_lines,
            )
            letters.extend([print_letter] * copies)
    return letters


def batch_cover_build(*, batch: Batch, letters: list[PrintLetter]) -> CoverSheet:
    counts = Counter(letter.recipient_name for letter in letters)
    offices = sorted(batch.offices.all(), key=office_sort_key)
    return CoverSheet(
        context={
            "heading": _("Print batch #%(number)s for %(group)s") % {"number": batch.pk, "group": batch.group.name},
            "facts": [
                (_("Campaign"), batch.campaign.title),
                (_("Offices in"), batch.host_country.name),
                (_("Letter language"), batch.template.get_language_display()),
                (_("Signatures"), batch.get_signer_mode_display()),
                (_("Paper"), batch.get_paper_display()),
                (_("Labels"), _("one per letter, on A4 sheets of 3 × 8 (70 × 37 mm)")),
            ],
            "rows": [{"name": office.name, "city": office.city, "count": counts[office.name]} for office in offices],
            "total": len(letters),
        }
    )


def batch_labels_build(*, letters: list[PrintLetter]) -> list[AddressLabel]:
    """One label per letter: each letter travels in its own envelope."""
    return [AddressLabel(name=letter.recipient_name, lines=letter.recipient_lines) for letter in letters]


def batch_csv_rows(*, batch: Batch, letters: list[PrintLetter]) -> list[list[str]]:
    """What the batch contains, one row per office and signature. No email addresses."""
    hand_signed = _("(signed by hand)")
    counts = Counter(
        (letter.recipient_name, " / ".join(letter.recipient_lines), letter.letter.signature_name or hand_signed)
        for letter in letters
    )
    header = [_("Office"), _("Address"), _("Signer"), _("Letters")]
    return [header] + [
        [_spreadsheet_safe(office), _spreadsheet_safe(address), _spreadsheet_safe(signer), str(count)]
        for (office, address, signer), count in counts.items()
    ]


def _spreadsheet_safe(text: str) -> str:
    """Spreadsheets run a cell starting with one of these as a formula; signer names are typed by anyone."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def batches_visible_to(*, user) -> QuerySet[Batch]:
    batches = Batch.objects.select_related("campaign", "group", "template")
    if user.has_perm("printing.view_batch"):
        return batches
    return batches.filter(group__members=user)


def groups_usable_by(*, user) -> QuerySet[Group]:
    if user.has_perm("printing.add_batch"):
        return Group.objects.all()
    return Group.objects.filter(Q(members=user)).distinct()
