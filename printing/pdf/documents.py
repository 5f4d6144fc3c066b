"""Letters, cover sheets and label sheets as HTML, and the two ways of turning them into PDF:
one tagged document (a supporter's few letters) or chunks across processes (a group's batch)."""

import atexit
import functools
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

from campaign.letter_language import signing_columns
from campaign.rendering import RenderedLetter

from .assemble import PdfAssembler
from .engine import PdfEngine
from .parallel import RenderedChunk, chunks_render

PAPER_SIZES = ("a4", "letter")
LABELS_PER_SHEET = 24  # A4, 3 columns x 8 rows of 70 x 37 mm
STYLESHEET = "css/print.css"
# Signature pages get a stylesheet of their own: WeasyPrint's cost per page grows with named pages.
SIGNATURE_STYLESHEET = "css/print-signature.css"


@dataclass(frozen=True)
class PrintLetter:
    """One letter to one office as it is printed."""

    letter: RenderedLetter
    recipient_name: str
    recipient_lines: tuple[str, ...]
    sender_name: str
    sender_city: str
    # More than zero: empty lines for people to sign by hand instead of a printed signature.
    sign_lines: int = 0
    # True: leave the signature's place empty; the batch renderer draws each signer's name over it.
    signature_slot: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.letter.body.replace("\r\n", "\n").split("\n\n") if part.strip()]

    @property
    def return_address(self) -> str:
        return " · ".join(part for part in (self.sender_name, self.sender_city) if part)

    @property
    def place(self) -> str:
        return self.sender_city or self.letter.signature_city

    def unsigned(self) -> "PrintLetter":
        """The letter with an empty signature slot, as the batch lays it out once for several signers."""
        # Without a sender city the place line prints the signer's city, which is on the page, not in the slot:
        # keep it, so signers from different places get a base each, as their single letters would print.
        place_city = "" if self.sender_city else self.letter.signature_city
        letter = replace(self.letter, signature_name="", signature_city=place_city)
        return replace(self, letter=letter, signature_slot=True)

    @property
    def sign_line_numbers(self) -> range:
        return range(1, self.sign_lines + 1)

    @property
    def sign_labels(self) -> dict[str, str]:
        """Column heads of the hand-signing lines, in the letter's language."""
        columns = signing_columns(language=self.letter.language)
        if columns is None:
            with translation.override(self.letter.language):
                columns = (_("Name"), _("City"), _("Signature"))
        return dict(zip(("name", "city", "signature"), columns, strict=True))


@dataclass(frozen=True)
class AddressLabel:
    name: str
    lines: tuple[str, ...]


@dataclass
class CoverSheet:
    """Context for the batch's cover sheet (templates/printing/pdf/cover.html)."""

    context: dict = field(default_factory=dict)


def static_roots() -> list[str]:
    """Folders the PDF fetcher may read: the static sources, and STATIC_ROOT once collected."""
    roots: list[str] = []
    for finder in finders.get_finders():
        for _prefix, root in getattr(finder, "locations", []):
            roots.append(str(root))
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location and os.path.isdir(location):
                roots.append(str(location))
    if settings.STATIC_ROOT and os.path.isdir(settings.STATIC_ROOT):
        roots.append(str(settings.STATIC_ROOT))
    return roots


def stylesheet_path(name: str = STYLESHEET) -> str:
    path = finders.find(name)
    if not path:
        raise RuntimeError(f"{name} is missing from the static files")
    return path


@functools.cache
def pdf_engine() -> PdfEngine:
    """One engine per process: the stylesheet and fonts are parsed once."""
    # WeasyPrint's font configuration cleans up in __del__, which fails once the interpreter is half gone.
    atexit.register(pdf_engine.cache_clear)
    return PdfEngine(stylesheet=stylesheet_path(), static_roots=static_roots())


def document_html(
    *,
    title: str,
    language: str,
    paper: str,
    letters: Sequence[PrintLetter] = (),
    cover: CoverSheet | None = None,
    labels: Sequence[AddressLabel] = (),
    first_letter_number: int = 0,
) -> str:
    if paper not in PAPER_SIZES:
        raise ValueError(f"Unknown paper size {paper!r}")
    label_sheets = [labels[start : start + LABELS_PER_SHEET] for start in range(0, len(labels), LABELS_PER_SHEET)]
    return get_template("printing/pdf/document.html").render(
        {
            "title": title,
            "language": language,
            "paper": paper,
            "letters": letters,
            "cover": cover.context if cover else None,
            "label_sheets": label_sheets,
            "first_letter_number": first_letter_number,
        }
    )


def letters_pdf_write(
    *, letters: Sequence[PrintLetter], target: str | Path | BinaryIO, title: str, language: str, paper: str
) -> int:
    """A few letters as one tagged PDF (for screen readers too). Returns the page count."""
    html = document_html(title=title, language=language, paper=paper, letters=letters)
    return pdf_engine().write(html=html, target=target, tagged=True)


def signature_overlays_html(*, letters: Sequence[PrintLetter], language: str, paper: str) -> str:
    """One small page per signature; the assembler moves each onto its letter's empty slot."""
    return get_template("printing/pdf/overlays.html").render({"language": language, "paper": paper, "letters": letters})


@dataclass
class _BatchPlan:
    """Which distinct letters to lay out (bases) and which letters get a signature drawn over their base."""

    bases: list[PrintLetter]
    base_of_letter: list[int]
    overlaid: list[bool]


def _batch_plan(letters: Sequence[PrintLetter]) -> _BatchPlan:
    indices_by_base: dict[PrintLetter, list[int]] = {}
    for index, letter in enumerate(letters):
        indices_by_base.setdefault(letter.unsigned(), []).append(index)
    plan = _BatchPlan(bases=[], base_of_letter=[0] * len(letters), overlaid=[False] * len(letters))
    for unsigned, indices in indices_by_base.items():
        signatures = {(letters[i].letter.signature_name, letters[i].letter.signature_city) for i in indices}
        slotted = len(signatures) > 1
        for index in indices:
            plan.base_of_letter[index] = len(plan.bases)
            plan.overlaid[index] = slotted
        plan.bases.append(unsigned if slotted else letters[indices[0]])
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

    What repeats is laid out once: letters that differ only by the signer are rendered once per office
    with an empty signature slot, and the signatures are drawn over them (see assemble.py). All layout
    runs in chunks across worker processes. on_letters_done(n) reports progress in letters."""
    chunk_size = chunk_size or settings.PRINT_BATCH_CHUNK_SIZE
    workers = workers or settings.PRINT_BATCH_WORKERS
    plan = _batch_plan(letters)
    html = functools.partial(document_html, title=title, language=language, paper=paper)
    base_chunks = [
        html(letters=plan.bases[start : start + chunk_size], first_letter_number=start)
        for start in range(0, len(plan.bases), chunk_size)
    ]
    signed = [letter for letter, overlaid in zip(letters, plan.overlaid, strict=True) if overlaid]
    # Signature pages are light: bigger chunks.
    overlay_chunk_size = chunk_size * 2
    overlay_chunks = [
        signature_overlays_html(letters=signed[start : start + overlay_chunk_size], language=language, paper=paper)
        for start in range(0, len(signed), overlay_chunk_size)
    ]
    letter_css, signature_css = stylesheet_path(), stylesheet_path(SIGNATURE_STYLESHEET)
    parts = [
        (html(cover=cover), letter_css),
        *((chunk, letter_css) for chunk in base_chunks),
        *((chunk, signature_css) for chunk in overlay_chunks),
        *([(html(labels=labels), letter_css)] if labels else []),
    ]
    chunks_done = 0

    def chunk_done(_index: int, _pages: int) -> None:
        nonlocal chunks_done
        chunks_done += 1
        if on_letters_done is not None:
            on_letters_done(len(letters) * chunks_done // len(parts))

    with tempfile.TemporaryDirectory(prefix="print-batch-") as folder:
        rendered = chunks_render(
            chunks=parts,
            folder=Path(folder),
            static_roots=static_roots(),
            workers=workers,
            on_chunk_done=chunk_done,
        )
        assembler = _batch_assemble(
            plan=plan,
            cover=rendered[0],
            bases=rendered[1 : 1 + len(base_chunks)],
            signatures=rendered[1 + len(base_chunks) : 1 + len(base_chunks) + len(overlay_chunks)],
            labels=rendered[-1] if labels else None,
        )
        return assembler.write(target=target, title=title, language=language)


def _batch_assemble(
    *,
    plan: _BatchPlan,
    cover: RenderedChunk,
    bases: list[RenderedChunk],
    signatures: list[RenderedChunk],
    labels: RenderedChunk | None,
) -> PdfAssembler:
    """Pages in print order: cover, each letter (its base's pages, the signature drawn into the slot), labels."""
    base_pages: dict[int, list[tuple[str, int, list[float] | None]]] = {}
    for chunk in bases:
        for page_index, layout in enumerate(chunk.layout):
            base_pages.setdefault(layout["letter"], []).append((chunk.pdf_path, page_index, layout["slot"]))
    unslotted = [
        number
        for number, base in enumerate(plan.bases)
        if base.signature_slot and not any(slot for _path, _page, slot in base_pages[number])
    ]
    signature_pages = [(chunk.pdf_path, index) for chunk in signatures for index in range(len(chunk.layout))]
    if unslotted or len(signature_pages) != sum(plan.overlaid):
        # A signature must never go missing or onto the wrong letter.
        raise RuntimeError(f"signature slots missing for letters {unslotted[:5]} or signature pages miscounted")
    next_signature = iter(signature_pages)
    assembler = PdfAssembler()
    for page_index in range(len(cover.layout)):
        assembler.page_add(cover.pdf_path, page_index)
    for base_number, overlaid in zip(plan.base_of_letter, plan.overlaid, strict=True):
        for path, page_index, slot in base_pages[base_number]:
            if slot and overlaid:
                signature_path, signature_index = next(next_signature)
                assembler.page_add_with_overlay(
                    path, page_index, slot=slot, overlay_path=signature_path, overlay_index=signature_index
                )
            else:
                assembler.page_add(path, page_index)
    for page_index in range(len(labels.layout) if labels else 0):
        assembler.page_add(labels.pdf_path, page_index)
    return assembler
