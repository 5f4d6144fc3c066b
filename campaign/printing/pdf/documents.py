"""Letters, cover sheets and label sheets as HTML, and the two ways of turning them into PDF:
one tagged document (a supporter's few letters) or chunks across processes (a group's batch)."""

import functools
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

from campaign.rendering import RenderedLetter

from .engine import PdfEngine
from .parallel import chunks_render_merged

PAPER_SIZES = ("a4", "letter")
LABELS_PER_SHEET = 24  # A4, 3 columns x 8 rows of 70 x 37 mm
STYLESHEET = "css/print.css"


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

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.letter.body.replace("\r\n", "\n").split("\n\n") if part.strip()]

    @property
    def return_address(self) -> str:
        return " · ".join(part for part in (self.sender_name, self.sender_city) if part)

    @property
    def place(self) -> str:
        return self.letter.signature_city or self.sender_city

    @property
    def sign_line_numbers(self) -> range:
        return range(1, self.sign_lines + 1)

    @property
    def sign_labels(self) -> dict[str, str]:
        """Column heads of the hand-signing lines, in the letter's language."""
        with translation.override(self.letter.language):
            return {"name": _("Name"), "city": _("City"), "signature": _("Signature")}


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


def stylesheet_path() -> str:
    path = finders.find(STYLESHEET)
    if not path:
        raise RuntimeError(f"{STYLESHEET} is missing from the static files")
    return path


@functools.cache
def pdf_engine() -> PdfEngine:
    """One engine per process: the stylesheet and fonts are parsed once."""
    return PdfEngine(stylesheet=stylesheet_path(), static_roots=static_roots())


def document_html(
    *,
    title: str,
    language: str,
    paper: str,
    letters: Sequence[PrintLetter] = (),
    cover: CoverSheet | None = None,
    labels: Sequence[AddressLabel] = (),
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
        }
    )


def letters_pdf_write(*, letters: Sequence[PrintLetter], target, title: str, language: str, paper: str) -> int:
    """A few letters as one tagged PDF (for screen readers too). Returns the page count."""
    html = document_html(title=title, language=language, paper=paper, letters=letters)
    return pdf_engine().write(html=html, target=target, tagged=True)


def batch_chunks_html(
    *,
    title: str,
    language: str,
    paper: str,
    letters: Sequence[PrintLetter],
    cover: CoverSheet,
    labels: Sequence[AddressLabel],
    chunk_size: int,
) -> Iterator[str]:
    """The batch as HTML documents of at most chunk_size letters: cover first, labels last."""
    yield document_html(title=title, language=language, paper=paper, cover=cover)
    for start in range(0, len(letters), chunk_size):
        yield document_html(title=title, language=language, paper=paper, letters=letters[start : start + chunk_size])
    if labels:
        yield document_html(title=title, language=language, paper=paper, labels=labels)


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
    """Cover sheet, every letter and the label sheets as one PDF, rendered in chunks across processes.
    on_letters_done(n) reports how many letters are rendered so far. Returns the page count."""
    chunk_size = chunk_size or settings.PRINT_BATCH_CHUNK_SIZE
    workers = workers or settings.PRINT_BATCH_WORKERS
    letters_in_chunk = {0: 0}
    for number, start in enumerate(range(0, len(letters), chunk_size), start=1):
        letters_in_chunk[number] = min(chunk_size, len(letters) - start)
    done = 0

    def chunk_done(index: int, _pages: int) -> None:
        nonlocal done
        done += letters_in_chunk.get(index, 0)
        if on_letters_done is not None and letters_in_chunk.get(index):
            on_letters_done(done)

    return chunks_render_merged(
        chunks=batch_chunks_html(
            title=title, language=language, paper=paper, letters=letters, cover=cover, labels=labels,
            chunk_size=chunk_size,
        ),
        target=target,
        stylesheet=stylesheet_path(),
        static_roots=static_roots(),
        workers=workers,
        title=title,
        language=language,
        on_chunk_done=chunk_done,
    )
