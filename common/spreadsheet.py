"""CSV that spreadsheets open safely. Every CSV or XLSX the tool writes goes through here.

A cell starting with one of FORMULA_STARTS runs as a formula in spreadsheet programs. Office names, sources
and signer names come from people and from public sources anyone can edit, so such cells get a leading
apostrophe. The directory's import takes it off again (spreadsheet_unquote), so a round trip changes nothing.
"""

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_QUOTE = "'"


def spreadsheet_safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return FORMULA_QUOTE + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_unquote(text: str) -> str:
    """The inverse of spreadsheet_safe, for files the tool wrote."""
    return text[1:] if text.startswith(FORMULA_QUOTE) and text[1:].startswith(FORMULA_STARTS) else text


class SpreadsheetSafeWriter:
    """csv.writer whose every cell is made safe to open in a spreadsheet."""

    def __init__(self, stream: TextIO | HttpResponse) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
