"""Text people type that others will read as theirs: names, cities, a paragraph. One normal form, no hidden tricks.

Bidirectional controls (U+202E and kin) can reverse how a name displays, so that "Jan" + RLO + "voN" reads "Jan Nov", and
zero-width characters make two names look alike while differing. A name or a city needs neither; a paragraph
keeps the joiners some scripts need (ZWJ, ZWNJ) but loses the controls that reorder what follows them.
"""

import unicodedata

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
