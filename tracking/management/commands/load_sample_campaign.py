"""Create (or update) the sample Law 13673 campaign with its letter in every shipped language, and its call
scripts. Safe to run again.

It lives in tracking, not campaign, because call scripts are tracking's: the command stands where both apps can
be reached without campaign importing tracking.
"""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from campaign.services.seed import sample_campaign_load, seed_texts_read
from tracking.services import call_scripts_add_missing, call_scripts_read

LETTERS_DIR = Path(apps.get_app_config("campaign").path) / "seed" / "law_13673"
CALL_SCRIPTS_DIR = Path(__file__).resolve().parent.parent.parent / "seed" / "law_13673"


class Command(BaseCommand):
    help = "Load the sample campaign against Ukraine's draft Law No. 13673 and its call scripts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        texts = seed_texts_read(directory=LETTERS_DIR)
        with transaction.atomic():
            campaign, created = sample_campaign_load(texts=texts, from_email=settings.DEFAULT_FROM_EMAIL)
            scripts_added = call_scripts_add_missing(
                campaign=campaign, scripts=call_scripts_read(directory=CALL_SCRIPTS_DIR)
            )
        verb = "Created" if created else "Updated"
        languages = ", ".join(text.language for text in texts)
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the sample campaign “{campaign.title}” (/c/{campaign.slug}/): {languages}; "
                f"call scripts added: {', '.join(scripts_added) or 'none'}."
            )
        )
