"""Per-language data of a letter: how to greet an office's head, and how to write the date. Letter texts are data.

The salutations live in letter_data/salutations.json: language → head title → form of address → text, plus a
"no_title" fallback per language. Unknown forms of address get a neutral or double form ("unknown").
"""

import datetime
import json
from functools import cache
from pathlib import Path

from django.utils import formats, translation

SALUTATIONS_FILE = Path(__file__).resolve().parent / "letter_data" / "salutations.json"
ADDRESS_FORMS = ("unknown", "feminine", "masculine")

# django.utils.dateformat syntax: j = day without leading zero, F = month, E = month in the genitive, Y = year.
LETTER_DATE_FORMATS: dict[str, str] = {
    "en": "j F Y",  # 2 December 2026
    "uk": r"j E Y \р.",  # 2 грудня 2026 р.
    "ru": r"j E Y \г.",  # 2 декабря 2026 г.
    "cs": "j. E Y",  # 2. prosince 2026
    "sk": "j. {month} Y",  # 2. decembra 2026
    "pl": "j E Y",  # 2 grudnia 2026
    "de": "j. F Y",  # 2. Dezember 2026
    "it": "{day} {month} Y",  # 1º marzo 2026, 2 dicembre 2026
    "fr": "{day} {month} Y",  # 1er mars 2026, 2 décembre 2026
    "es": r"j \d\e F \d\e Y",  # 2 de diciembre de 2026
    "ro": "j {month} Y",  # 2 decembrie 2026
    "nl": "j F Y",  # 2 december 2026
    "lt": r"Y \m. E j \d.",  # 2026 m. gruodžio 2 d.
}

# Where Django's catalogues give the wrong form for a letter's date line: Slovak lacks the genitive, and the
# Italian, Romanian and French month names come capitalised.
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "sk": (
        "januára",
        "februára",
        "marca",
        "apríla",
        "mája",
        "júna",
        "júla",
        "augusta",
        "septembra",
        "októbra",
        "novembra",
        "decembra",
    ),  # fmt: skip
    "it": (
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ),  # fmt: skip
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),  # fmt: skip
    "ro": (
        "ianuarie",
        "februarie",
        "martie",
        "aprilie",
        "mai",
        "iunie",
        "iulie",
        "august",
        "septembrie",
        "octombrie",
        "noiembrie",
        "decembrie",
    ),  # fmt: skip
}
FIRST_OF_MONTH = {"fr": "1er", "it": "1º"}

# Column heads of a letter's hand-signing lines (group batches), printed on the letter itself.
SIGNING_COLUMNS: dict[str, tuple[str, str, str]] = {
    "en": ("Name", "City", "Signature"),
    "uk": ("Ім’я", "Місто", "Підпис"),
    "ru": ("Имя", "Город", "Подпись"),
    "cs": ("Jméno", "Město", "Podpis"),
    "sk": ("Meno", "Mesto", "Podpis"),
    "pl": ("Imię i nazwisko", "Miejscowość", "Podpis"),
    "de": ("Name", "Ort", "Unterschrift"),
    "it": ("Nome", "Città", "Firma"),
    "fr": ("Nom", "Ville", "Signature"),
    "es": ("Nombre", "Ciudad", "Firma"),
    "ro": ("Nume", "Localitate", "Semnătură"),
    "nl": ("Naam", "Woonplaats", "Handtekening"),
    "lt": ("Vardas ir pavardė", "Miestas", "Parašas"),
}


@cache
def salutations() -> dict[str, dict[str, dict[str, str] | str]]:
    return json.loads(SALUTATIONS_FILE.read_text(encoding="utf-8"))


def salutation_languages() -> list[str]:
    return sorted(salutations())


def salutation_text(*, language: str, head_title: str, address_form: str) -> str:
    """Falls back: unknown language → English; unknown title → the language's "no title" form; unknown form →
    the neutral or double form."""
    table = salutations().get(language) or salutations()["en"]
    forms = table.get(head_title)
    if not isinstance(forms, dict):
        return str(table["no_title"])
    return forms.get(address_form, forms["unknown"])


def letter_date_text(*, on_date: datetime.date, language: str) -> str:
    """The date line in the letter's language; Django's own DATE_FORMAT for languages without an entry."""
    date_format = LETTER_DATE_FORMATS.get(language, "DATE_FORMAT")
    if "{" in date_format:
        day = FIRST_OF_MONTH.get(language, "1") if on_date.day == 1 else str(on_date.day)
        month = MONTH_NAMES[language][on_date.month - 1]
        date_format = date_format.format(day=_literal(day), month=_literal(month))
    with translation.override(language):
        return formats.date_format(on_date, date_format, use_l10n=True)


def _literal(text: str) -> str:
    """Escape every character, so that dateformat writes the text as it is."""
    return "".join(f"\\{char}" for char in text)


def signing_columns(*, language: str) -> tuple[str, str, str] | None:
    return SIGNING_COLUMNS.get(language)
