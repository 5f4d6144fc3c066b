"""Letters, cover sheets, label sheets and overlay pages as HTML, and a supporter's few letters as one tagged PDF.
A group's batch is put together by batch.py."""

import atexit
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from campaign.letter_language import signing_columns
from campaign.rendering import RenderedLetter

from .engine import PdfEngine

PAPER_SIZES = ("a4", "letter")
LABELS_PER_SHEET = 24  # A4, 3 columns x 8 rows of 70 x 37 mm
STYLESHEET = "css/print.css"
# Signature pages get a stylesheet of their own: WeasyPrint's cost per page grows with named pages.
SIGNATURE_STYLESHEET = "css/print-signature.css"
# The running head of page 2 and later: long names are cut so it stays on a line or two.
RUNNING_HEAD_PART_CHARS = 60


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
    # True: leave the recipient's lines empty; the batch renderer draws each office's address over them.
    recipient_slot: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.letter.body.replace("\r\n", "\n").split("\n\n") if part.strip()]

    @property
    def return_address(self) -> str:
        return " · ".join(part for part in (self.sender_name, self.sender_city) if part)

    @property
    def running_head(self) -> str:
        """Who writes about what, at the top of page 2 and later; never the recipient, which a batch stamps."""
        parts = (self.sender_name, self.letter.subject)
        return " · ".join(Truncator(part).chars(RUNNING_HEAD_PART_CHARS) for part in parts if part)

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

    def unaddressed(self) -> "PrintLetter":
        """The letter with empty recipient lines, as the batch lays it out once for several offices."""
        return replace(self, recipient_name="", recipient_lines=(), recipient_slot=True)

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


def letter_documents_html(
    *, title: str, language: str, paper: str, letters: Sequence[PrintLetter], first_letter_number: int = 0
) -> list[str]:
    """One HTML document per letter: laid out apart, each letter counts its own pages ("2 / 3")."""
    return [
        document_html(
            title=title, language=language, paper=paper, letters=[letter], first_letter_number=first_letter_number + n
        )
        for n, letter in enumerate(letters)
    ]


def letters_pdf_write(
    *, letters: Sequence[PrintLetter], target: str | Path | BinaryIO, title: str, language: str, paper: str
) -> int:
    """A few letters as one tagged PDF (for screen readers too). Returns the page count."""
    documents = letter_documents_html(title=title, language=language, paper=paper, letters=letters)
    return pdf_engine().write(html=documents, target=target, tagged=True)


def overlays_html(
    *, language: str, paper: str, letters: Sequence[PrintLetter] = (), recipients: Sequence[PrintLetter] = ()
) -> str:
    """One small page per signature (letters) or per address (recipients); the assembler draws each into its
    letter's empty slot."""
    return get_template("printing/pdf/overlays.html").render(
        {"language": language, "paper": paper, "letters": letters, "recipients": recipients}
    )
