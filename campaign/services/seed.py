"""The sample campaign against Law No. 13673, in every language its letter was translated into."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ..models import Campaign, CampaignTranslation, LetterTemplate

SAMPLE_SLUG = "law-13673"
SAMPLE_SOURCE_LANGUAGE = "en"
SEED_HEADER_FIELDS = ("subject", "closing", "title", "target", "summary")


@dataclass(frozen=True)
class SeedText:
    """One language's campaign texts and letter, as campaign/seed/law_13673/<language>.txt holds them."""

    language: str
    subject: str
    closing: str
    title: str
    target: str
    summary: str
    body: str


def seed_text_parse(*, language: str, text: str) -> SeedText:
    """ "key: value" header lines, a line "---", then the letter body."""
    header, separator, body = text.partition("\n---\n")
    if not separator:
        raise ValueError(f"{language}: no '---' line between the header and the body")
    fields = {}
    for line in header.splitlines():
        key, _colon, value = line.partition(":")
        fields[key.strip()] = value.strip()
    missing = [key for key in SEED_HEADER_FIELDS if not fields.get(key)]
    if missing:
        raise ValueError(f"{language}: missing {', '.join(missing)}")
    return SeedText(language=language, body=body.strip(), **{key: fields[key] for key in SEED_HEADER_FIELDS})


def seed_texts_read(*, directory: Path) -> list[SeedText]:
    return [
        seed_text_parse(language=path.stem, text=path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.txt"))
    ]


@transaction.atomic
def sample_campaign_load(*, texts: list[SeedText], from_email: str) -> tuple[Campaign, bool]:
    """Create or refresh the campaign. Translations start as unreviewed drafts; a refresh keeps an approval."""
    by_language = {text.language: text for text in texts}
    source = by_language[SAMPLE_SOURCE_LANGUAGE]
    campaign, created = Campaign.objects.update_or_create(
        slug=SAMPLE_SLUG,
        defaults={
            "title": source.title,
            "summary": source.summary,
            "target": source.target,
            "source_language": SAMPLE_SOURCE_LANGUAGE,
            "sending_country": "UA",
            "from_email": from_email,
            "is_open": True,
        },
    )
    for text in texts:
        LetterTemplate.objects.update_or_create(
            campaign=campaign,
            language=text.language,
            defaults={"subject": text.subject, "body": text.body, "closing": text.closing},
            create_defaults={
                "subject": text.subject,
                "body": text.body,
                "closing": text.closing,
                "reviewed": text.language == SAMPLE_SOURCE_LANGUAGE,
            },
        )
        if text.language != SAMPLE_SOURCE_LANGUAGE:
            CampaignTranslation.objects.update_or_create(
                campaign=campaign,
                language=text.language,
                defaults={"title": text.title, "target": text.target, "summary": text.summary},
            )
    return campaign, created
