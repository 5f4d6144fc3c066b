"""Create (or update) the sample Law 13673 campaign with its letter in every shipped language. Safe to run again."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from campaign.services.seed import sample_campaign_load, seed_texts_read

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "seed" / "law_13673"


class Command(BaseCommand):
    help = "Load the sample campaign against Ukraine's draft Law No. 13673 (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        texts = seed_texts_read(directory=SEED_DIR)
        campaign, created = sample_campaign_load(texts=texts, from_email=settings.DEFAULT_FROM_EMAIL)
        verb = "Created" if created else "Updated"
        languages = ", ".join(text.language for text in texts)
        self.stdout.write(
            self.style.SUCCESS(f"{verb} the sample campaign “{campaign.title}” (/c/{campaign.slug}/): {languages}.")
        )
