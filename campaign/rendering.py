"""Turn a letter template into the letter one office receives. Pure functions: no database writes."""

import datetime
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from django_countries import countries

from embassies.models import HeadTitle, Office

PLACEHOLDERS = {
    "host_country": _("the host country, named in the letter's language"),
    "salutation": _("the salutation for the office's head, e.g. “Dear Ambassador”"),
    "supporter_name": _("the supporter's name"),
    "supporter_city": _("the supporter's city"),
    "date": _("today's date, written in the letter's language"),
}

SALUTATIONS = {
    HeadTitle.AMBASSADOR: pgettext_lazy("salutation", "Dear Ambassador"),
    HeadTitle.CHARGE_D_AFFAIRES: pgettext_lazy("salutation", "Dear Chargé d'Affaires"),
    HeadTitle.CONSUL_GENERAL: pgettext_lazy("salutation", "Dear Consul General"),
    HeadTitle.CONSUL: pgettext_lazy("salutation", "Dear Consul"),
    HeadTitle.HONORARY_CONSUL: pgettext_lazy("salutation", "Dear Honorary Consul"),
    HeadTitle.PERMANENT_REPRESENTATIVE: pgettext_lazy("salutation", "Dear Permanent Representative"),
}


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
    with translation.override(language):
        return str(SALUTATIONS.get(office.head_title, pgettext("salutation", "Dear Sir or Madam")))


def country_name_for(*, code: str, language: str) -> str:
    with translation.override(language):
        return str(countries.name(code))


# Django's English DATE_FORMAT is the abbreviated US style ("Nov. 24, 2026"); a letter wants the month in full.
LETTER_DATE_FORMATS = {"en": "j F Y"}


def date_for(*, on_date: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(on_date, LETTER_DATE_FORMATS.get(language, "DATE_FORMAT"), use_l10n=True)


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
        "date": date_for(on_date=on_date, language=language),
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
