"""Text people type that others will read as theirs: names, cities, a paragraph. One normal form, no hidden tricks.

Bidirectional controls (U+202E and kin) can reverse how a name displays, so that "Jan" + RLO + "voN" reads "Jan Nov", and
zero-width characters make two names look alike while differing. A name or a city needs neither; a paragraph
keeps the joiners some scripts need (ZWJ, ZWNJ) but loses the controls that reorder what follows them.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ZERO_WIDTH_JOINERS = "\u200c\u200d"


def _format_characters_drop(text: str, *, keep: str = "") -> str:
    """Unicode "format" characters (category Cf: zero-width space, word joiner, BOM, bidi controls, soft hyphen)."""
    return "".join(char for char in text if char in keep or unicodedata.category(char) != "Cf")


def text_line_clean(value: str) -> str:
    """A name, a city: NFC, without format characters, spaces collapsed."""
    return " ".join(_format_characters_drop(unicodedata.normalize("NFC", value)).split())


def text_paragraph_clean(value: str) -> str:
    """Free text: NFC, without bidi controls or other format characters, but with the joiners a script needs."""
    return _format_characters_drop(unicodedata.normalize("NFC", value), keep=ZERO_WIDTH_JOINERS).strip()


# Markup typed into a field meant for text would be a trap for whoever reads it (a public page, an organiser).
HTML_TAG = re.compile(r"<\s*/?\s*[a-z!?][^>]*>|&(#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")


def plain_text_validate(value: str) -> None:
    """No HTML and no invisible control characters."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("This contains invisible control characters. Please retype it."), code="control")
    if HTML_TAG.search(value):
        raise ValidationError(_("Please write plain text, without HTML."), code="html")


def single_line_validate(value: str) -> None:
    if LINE_BREAK.search(value):
        raise ValidationError(_("Please write this on a single line, without line breaks."), code="line_break")
