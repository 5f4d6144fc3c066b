"""Turn a letter template into the letter one office receives. Pure functions: no database writes."""

import datetime
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from django_countries import countries

from embassies.models import Office

from .letter_language import letter_date_text, salutation_text

PLACEHOLDERS = {
    "host_country": _("the host country, named in the letter's language"),
    "salutation": _("the salutation for the office's head, e.g. “Dear Ambassador”"),
    "supporter_name": _("the supporter's name"),
    "supporter_city": _("the supporter's city"),
    "date": _("today's date, written in the letter's language"),
}

# A numbered demand: "1. …" or "2) …" at the start of a line.
NUMBERED_DEMAND = re.compile(r"^\s*\d{1,2}[.)]\s", re.MULTILINE)


def template_placeholders_validate(text: str) -> None:
    """Raise ValidationError naming every unknown placeholder or stray brace in the text."""
    unknown: list[str] = []
    try:
        parsed = [(field, spec, conversion) for _literal, field, spec, conversion in string.Formatter().parse(text)]
    except ValueError as error:
        raise ValidationError(
            _("The text has an unmatched { or }. Placeholders look like {host_country}; write {{ or }} for a brace."),
            code="placeholder_syntax",
        ) from error
    fields = [field for field, _spec, _conversion in parsed if field is not None]
    # A format spec or conversion ({date:d}, {date:>9999999}, {date!r}) would crash or bloat the rendering.
    decorated = [f"{{{field}}}" for field, spec, conversion in parsed if field is not None and (spec or conversion)]
    if decorated:
        raise ValidationError(
            _("Placeholders take no options: write %(plain)s without “:” or “!” after the name."),
            code="placeholder_options",
            params={"plain": ", ".join(dict.fromkeys(decorated))},
        )
    for field in fields:
        if field not in PLACEHOLDERS and field not in unknown:
            unknown.append(field)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(unknown)s. Allowed: %(allowed)s."),
            code="placeholder_unknown",
            params={
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
        )


class LetterText(Protocol):
    """A letter text in one language, as LetterTemplate holds it."""

    language: str
    subject: str
    body: str
    closing: str


@dataclass(frozen=True)
class RenderedLetter:
    language: str
    subject: str
    salutation: str
    body: str  # includes the salutation where the template placed it, and the personal paragraph
    closing: str
    signature_name: str
    signature_city: str
    date: str

    @property
    def text(self) -> str:
        """The plain-text letter as an email carries it."""
        signature = "\n".join(part for part in (self.signature_name, self.signature_city) if part)
        return f"{self.body}\n\n{self.closing}\n{signature}".rstrip() + "\n"


def salutation_for(*, office: Office, language: str) -> str:
    return salutation_text(language=language, head_title=office.head_title, address_form=office.head_address_form)


def country_name_for(*, code: str, language: str) -> str:
    with translation.override(language):
        return str(countries.name(code))


def letter_demands_count(text: str) -> int:
    """How many numbered demands a letter body makes; a faithful translation makes as many as its source."""
    return len(NUMBERED_DEMAND.findall(text))


def letter_language_default(*, available: Sequence[str], interface_language: str, offices: Iterable[Office]) -> str:
    """The best letter language: the interface's if every chosen office takes it, else the offices' own first choice.

    An office with no listed languages takes any. Returns "" when the campaign has no letter at all.
    """
    offices = list(offices)
    accepted = [
        language
        for language in available
        if all(not office.language_list or language in office.language_list for office in offices)
    ]
    candidates = accepted or list(available)
    if interface_language in candidates:
        return interface_language
    for office in offices:
        for language in office.language_list:
            if language in candidates:
                return language
    if "en" in candidates:
        return "en"
    return candidates[0] if candidates else ""


def letter_render(
    *,
    subject: str,
    body: str,
    closing: str,
    office: Office,
    language: str,
    supporter_name: str,
    supporter_city: str,
    personal_paragraph: str = "",
    on_date: datetime.date,
) -> RenderedLetter:
    values = {
        "host_country": country_name_for(code=office.host_country.code, language=language),
        "salutation": salutation_for(office=office, language=language),
        "supporter_name": supporter_name,
        "supporter_city": supporter_city,
        "date": letter_date_text(on_date=on_date, language=language),
    }
    rendered_body = body.format_map(values).strip()
    paragraph = personal_paragraph.strip()
    if paragraph:
        rendered_body = f"{rendered_body}\n\n{paragraph}"
    return RenderedLetter(
        language=language,
        subject=subject.format_map(values).strip(),
        salutation=values["salutation"],
        body=rendered_body,
        closing=closing.strip(),
        signature_name=supporter_name.strip(),
        signature_city=supporter_city.strip(),
        date=values["date"],
    )


def letter_drafts_render(
    *,
    template: LetterText,
    offices: Iterable[Office],
    supporter_name: str,
    supporter_city: str,
    on_date: datetime.date,
    subject: str | None = None,
    body: str | None = None,
    personal_paragraph: str = "",
) -> list[tuple[Office, RenderedLetter]]:
    """The letter each office would receive. subject/body default to the template's (the supporter may edit them)."""
    return [
        (
            office,
            letter_render(
                subject=template.subject if subject is None else subject,
                body=template.body if body is None else body,
                closing=template.closing,
                office=office,
                language=template.language,
                supporter_name=supporter_name,
                supporter_city=supporter_city,
                personal_paragraph=personal_paragraph,
                on_date=on_date,
            ),
        )
        for office in offices
    ]
