"""Reads for campaigns. Keyword-only, typed, named <noun>_<verb>."""

import datetime
from collections.abc import Iterable

from embassies.models import Office

from .models import LetterTemplate
from .rendering import RenderedLetter, letter_render


def letter_drafts_render(
    *,
    template: LetterTemplate,
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
