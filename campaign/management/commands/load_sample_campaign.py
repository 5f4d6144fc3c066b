"""Create (or update) the sample Law 13673 campaign with its English letter. Safe to run again."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from campaign.services.seed import sample_campaign_load

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "seed"


class Command(BaseCommand):
    help = "Load the sample campaign against Ukraine's draft Law No. 13673 (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        campaign, created = sample_campaign_load(
            subject=(SEED_DIR / "law_13673_en_subject.txt").read_text(encoding="utf-8"),
            body=(SEED_DIR / "law_13673_en_body.txt").read_text(encoding="utf-8"),
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} the sample campaign “{campaign.title}” (/c/{campaign.slug}/)."))
