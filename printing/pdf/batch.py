"""A group's batch as one PDF: the cover sheet, every letter and the label sheets.

What repeats is laid out once. Letters that differ only by the signer or by the office are laid out once per
distinct text with empty slots, and each signer's name and each office's address is drawn over them (see
assemble.py). A body with a per-signer placeholder ({supporter_name}) still shares one layout per signer across
all offices. All layout runs in chunks across worker processes."""

import functools
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .assemble import Overlay, PdfAssembler
from .documents import (
    SIGNATURE_STYLESHEET,
    AddressLabel,
    CoverSheet,
    PrintLetter,
    document_html,
    letter_documents_html,
    overlays_html,
    static_roots,
    stylesheet_path,
)
from .parallel import RenderedChunk, chunks_render

Recipient = tuple[str, tuple[str, ...]]


@dataclass
class BatchPlan:
    """Which distinct letters to lay out (bases), and what each letter draws over its base."""

    bases: list[PrintLetter]
    base_of_letter: list[int]
    signed: list[bool]  # the signer's name is drawn over the base's empty signature slot
    addressed: list[bool]  # the office's address is drawn over the base's empty recipient lines
    recipients: list[PrintLetter]  # one per distinct address, in order of first use
    recipient_of_letter: list[int]


def _recipient(letter: PrintLetter) -> Recipient:
    return (letter.recipient_name, letter.recipient_lines)


def batch_plan(letters: Sequence[PrintLetter]) -> BatchPlan:
    indices_by_shared: dict[PrintLetter, list[int]] = {}
    for index, letter in enumerate(letters):
        indices_by_shared.setdefault(letter.unsigned().unaddressed(), []).append(index)
    recipient_numbers: dict[Recipient, int] = {}
    plan = BatchPlan(
        bases=[],
        base_of_letter=[0] * len(letters),
        signed=[False] * len(letters),
        addressed=[False] * len(letters),
        recipients=[],
        recipient_of_letter=[0] * len(letters),
    )
    for index, letter in enumerate(letters):
        if _recipient(letter) not in recipient_numbers:
            recipient_numbers[_recipient(letter)] = len(plan.recipients)
            plan.recipients.append(letter)
        plan.recipient_of_letter[index] = recipient_numbers[_recipient(letter)]
    for indices in indices_by_shared.values():
        signatures = {(letters[i].letter.signature_name, letters[i].letter.signature_city) for i in indices}
        slotted = len(signatures) > 1
        addressed = len({_recipient(letters[i]) for i in indices}) > 1
        base = letters[indices[0]]
        base = base.unsigned() if slotted else base
        base = base.unaddressed() if addressed else base
        for index in indices:
            plan.base_of_letter[index] = len(plan.bases)
            plan.signed[index] = slotted
            plan.addressed[index] = addressed
        plan.bases.append(base)
    return plan


def batch_pdf_write(
    *,
    letters: Sequence[PrintLetter],
    cover: CoverSheet,
    labels: Sequence[AddressLabel],
    target: str | Path,
    title: str,
    language: str,
    paper: str,
    on_letters_done: Callable[[int], None] | None = None,
    chunk_size: int | None = None,
    workers: int | None = None,
) -> int:
    """Cover sheet, every letter and the label sheets as one PDF. Returns the page count.
    on_letters_done(n) reports progress in letters."""
    chunk_size = chunk_size or settings.PRINT_BATCH_CHUNK_SIZE
    workers = workers or settings.PRINT_BATCH_WORKERS
    plan = batch_plan(letters)
    html = functools.partial(document_html, title=title, language=language, paper=paper)
    base_chunks = [
        letter_documents_html(
            title=title,
            language=language,
            paper=paper,
            letters=plan.bases[start : start + chunk_size],
            first_letter_number=start,
        )
        for start in range(0, len(plan.bases), chunk_size)
    ]
    signed = [letter for letter, is_signed in zip(letters, plan.signed, strict=True) if is_signed]
    # Signature pages are light: bigger chunks.
    overlay_chunk_size = chunk_size * 2
    overlay = functools.partial(overlays_html, language=language, paper=paper)
    signature_chunks = [
        overlay(letters=signed[start : start + overlay_chunk_size])
        for start in range(0, len(signed), overlay_chunk_size)
    ]
    address_chunks = [overlay(recipients=plan.recipients)] if any(plan.addressed) else []
    letter_css, overlay_css = stylesheet_path(), stylesheet_path(SIGNATURE_STYLESHEET)
    parts: list[tuple[str | list[str], str]] = [
        (html(cover=cover), letter_css),
        *((chunk, letter_css) for chunk in base_chunks),
        *((chunk, overlay_css) for chunk in signature_chunks),
        *((chunk, overlay_css) for chunk in address_chunks),
        *([(html(labels=labels), letter_css)] if labels else []),
    ]
    chunks_done = 0

    def chunk_done(_index: int, _pages: int) -> None:
        nonlocal chunks_done
        chunks_done += 1
        if on_letters_done is not None:
            on_letters_done(len(letters) * chunks_done // len(parts))

    with tempfile.TemporaryDirectory(prefix="print-batch-") as folder:
        rendered = iter(
            chunks_render(
                chunks=parts,
                folder=Path(folder),
                static_roots=static_roots(),
                workers=workers,
                on_chunk_done=chunk_done,
            )
        )
        cover_chunk = next(rendered)
        bases = [next(rendered) for _chunk in base_chunks]
        signatures = [next(rendered) for _chunk in signature_chunks]
        addresses = [next(rendered) for _chunk in address_chunks]
        assembler = _batch_assemble(
            plan=plan,
            cover=cover_chunk,
            bases=bases,
            signatures=signatures,
            addresses=addresses,
            labels=next(rendered) if labels else None,
        )
        return assembler.write(target=target, title=title, language=language)


def _batch_assemble(
    *,
    plan: BatchPlan,
    cover: RenderedChunk,
    bases: list[RenderedChunk],
    signatures: list[RenderedChunk],
    addresses: list[RenderedChunk],
    labels: RenderedChunk | None,
) -> PdfAssembler:
    """Pages in print order: cover, each letter (its base's pages, signature and address drawn into the slots),
    labels."""
    base_pages: dict[int, list[tuple[str, int, dict]]] = {}
    for chunk in bases:
        for page_index, layout in enumerate(chunk.layout):
            base_pages.setdefault(layout["letter"], []).append((chunk.pdf_path, page_index, layout))
    unslotted = [
        number
        for number, base in enumerate(plan.bases)
        if (base.signature_slot and not any(layout["slot"] for *_page, layout in base_pages[number]))
        or (base.recipient_slot and not any(layout["recipient"] for *_page, layout in base_pages[number]))
    ]
    signature_pages = [(chunk.pdf_path, index) for chunk in signatures for index in range(len(chunk.layout))]
    address_pages = [(chunk.pdf_path, index) for chunk in addresses for index in range(len(chunk.layout))]
    if (
        unslotted
        or len(signature_pages) != sum(plan.signed)
        or (addresses and len(address_pages) != len(plan.recipients))
    ):
        # A signature or an address must never go missing or onto the wrong letter.
        raise RuntimeError(f"slots missing for letters {unslotted[:5]} or overlay pages miscounted")
    next_signature = iter(signature_pages)
    assembler = PdfAssembler()
    for page_index in range(len(cover.layout)):
        assembler.page_add(cover.pdf_path, page_index)
    for letter_index, base_number in enumerate(plan.base_of_letter):
        for path, page_index, layout in base_pages[base_number]:
            overlays = []
            if layout["slot"] and plan.signed[letter_index]:
                overlays.append(Overlay(tuple(layout["slot"][:2]), *next(next_signature)))
            if layout["recipient"] and plan.addressed[letter_index]:
                address_path, address_index = address_pages[plan.recipient_of_letter[letter_index]]
                overlays.append(Overlay(tuple(layout["recipient"]), address_path, address_index))
            if overlays:
                assembler.page_add_with_overlays(path, page_index, overlays=overlays)
            else:
                assembler.page_add(path, page_index)
    for page_index in range(len(labels.layout) if labels else 0):
        assembler.page_add(labels.pdf_path, page_index)
    return assembler
