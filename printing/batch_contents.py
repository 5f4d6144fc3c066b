"""What a batch prints, built from its offices and signers: the letters, the cover sheet, the address labels
and the CSV of contents. Pure: these functions read no database; services.batch_generate loads what they need."""

import datetime
from collections import Counter

from django.utils.translation import gettext as _

from campaign.rendering import RenderedLetter, letter_drafts_render
from embassies.models import Office

from .models import Batch, Signer, SignerMode
from .pdf.documents import AddressLabel, CoverSheet, PrintLetter


def print_letters_from_drafts(
    *, drafts: list[tuple[Office, RenderedLetter]], sender_name: str, sender_city: str, sender_country: str
) -> list[PrintLetter]:
    """One printed letter per office, from one sender."""
    return [
        PrintLetter(
            letter=letter,
            recipient_name=office.name,
            recipient_lines=tuple(office.postal_address_lines_from(sender_country=sender_country)),
            sender_name=sender_name,
            sender_city=sender_city,
        )
        for office, letter in drafts
    ]


def batch_print_letters(
    *, batch: Batch, offices: list[Office], signers: list[Signer], on_date: datetime.date
) -> list[PrintLetter]:
    """Every letter of the batch, office by office (the order the cover sheet and labels follow)."""
    group = batch.group
    if batch.signer_mode == SignerMode.SIGNERS:
        signatures = [(signer.name, signer.city) for signer in signers]
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
                recipient_lines=tuple(office.postal_address_lines_from(sender_country=group.country.code)),
                sender_name=group.name,
                sender_city=group.city,
                sign_lines=sign_lines,
            )
            letters.extend([print_letter] * copies)
    return letters


def batch_cover_build(*, batch: Batch, offices: list[Office], letters: list[PrintLetter]) -> CoverSheet:
    counts = Counter(letter.recipient_name for letter in letters)
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
    """What the batch contains, one row per office and signature. No email addresses. Written with
    common.spreadsheet, which keeps typed-in names from running as formulas."""
    hand_signed = _("(signed by hand)")
    counts = Counter(
        (letter.recipient_name, " / ".join(letter.recipient_lines), letter.letter.signature_name or hand_signed)
        for letter in letters
    )
    header = [_("Office"), _("Address"), _("Signer"), _("Letters")]
    return [header] + [[office, address, signer, str(count)] for (office, address, signer), count in counts.items()]
