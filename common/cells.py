"""Cells of an imported file: what no cell may hold, and where a file that cannot be read goes wrong.

Every import shares these checks (the directory's `import_offices` and admin import, a group batch's signer list),
so a NUL byte, a stray control character or a megabyte in one cell is refused the same way everywhere, by its line
and column, before it reaches the database (PostgreSQL refuses NUL in text) or an export (XLSX cannot hold C0
control characters).
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

# No field of the project needs more; a longer cell is a broken file, not data.
TEXT_CELL_MAX = 10_000
# C0 controls and DEL. Tab, line feed and carriage return are whitespace that some cells may hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
LINE_WHITESPACE = "\t"
MULTILINE_WHITESPACE = "\t\n\r"
# Lone surrogates come from JSON escapes such as "\ud800"; no encoding can store them.
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
# What XML 1.0, and so XLSX, cannot hold.
XML_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class FileUnreadable(ValueError):
    """A whole file cannot be read; the message says where and why, in the reader's language."""


def cell_check(*, value: str, column: str, max_length: int | None = None, multiline: bool = False) -> str:
    """What is wrong with one cell, as a sentence naming the column; "" when nothing is.
    Tab is allowed everywhere, line breaks only in a multiline cell."""
    allowed = MULTILINE_WHITESPACE if multiline else LINE_WHITESPACE
    if "\x00" in value:
        return _("%(column)s contains a NUL byte.") % {"column": column}
    control = next((char for char in CONTROL_CHARACTERS.findall(value) if char not in allowed), None)
    if control in ("\n", "\r"):
        return _("%(column)s contains a line break; it takes one line.") % {"column": column}
    if control:
        return _("%(column)s contains the control character U+%(code)04X.") % {"column": column, "code": ord(control)}
    if LONE_SURROGATES.search(value):
        return _("%(column)s contains characters that are not valid Unicode text.") % {"column": column}
    limit = min(max_length or TEXT_CELL_MAX, TEXT_CELL_MAX)
    if len(value) > limit:
        return _("%(column)s is longer than %(max)d characters (it has %(length)d).") % {
            "column": column,
            "max": limit,
            "length": len(value),
        }
    return ""


def text_decode(*, content: bytes) -> str:
    """UTF-8 text, with or without the byte-order mark spreadsheets add. Raises FileUnreadable at the first byte
    that is not UTF-8, by its line and column (counted in bytes: the line cannot be read as characters)."""
    # Without the mark first: the utf-8-sig codec counts an error's position from after it.
    body = content.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = body.rfind(b"\n", 0, error.start) + 1
        raise FileUnreadable(
            _("Line %(line)d, column %(column)d: the file is not UTF-8 text.")
            % {"line": body.count(b"\n", 0, error.start) + 1, "column": error.start - line_start + 1}
        ) from error


def csv_records_read(
    *, text: str, delimiter: str = ",", skipinitialspace: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """(the line a record starts on, its cells), blank lines included as []. A file the csv module cannot read
    raises FileUnreadable naming the line, and nothing after it is read."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=skipinitialspace)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise FileUnreadable(
            _("Line %(line)d: %(problem)s")
            % {"line": max(reader.line_num, line), "problem": csv_error_describe(error=error)}
        ) from error


def csv_error_describe(*, error: csv.Error) -> str:
    """The csv module's complaint, in the reader's language where it is one we know."""
    reason = str(error)
    if "field larger than field limit" in reason:
        return _("a cell is longer than %(max)d characters.") % {"max": TEXT_CELL_MAX}
    if "new-line character seen in unquoted field" in reason:
        return _("a line break inside a cell that is not in double quotes.")
    if "NUL" in reason:
        return _("the line contains a NUL byte.")
    return _("this is not CSV (%(reason)s).") % {"reason": reason}


def control_characters_strip(*, text: str) -> str:
    """For exports of what was stored before imports checked their cells: XLSX refuses these characters."""
    return XML_ILLEGAL_CHARACTERS.sub("", text)
