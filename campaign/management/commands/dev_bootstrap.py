"""`make run` helper: sample directory, sample campaign and an organiser login for a fresh machine."""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.permissions import ORGANISERS_GROUP
from embassies.models import Office
from embassies.services import organiser_scope_set

SAMPLE_DIRECTORY = Path(settings.BASE_DIR) / "embassies" / "sample" / "offices.csv"
ORGANISER_USERNAME = "organiser"
DEV_VERIFIER = "dev_bootstrap (sample data, not checked)"


class Command(BaseCommand):
    help = "Load the sample directory and campaign, and (re)create the organiser login. For development only."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("dev_bootstrap is for development (DEBUG=True) only.")
        call_command("import_offices", str(SAMPLE_DIRECTORY), stdout=self.stdout)
        call_command("load_sample_campaign", stdout=self.stdout)
        self._sample_emails_mark_verified()
        password = self._organiser_reset()
        self.stdout.write(
            self.style.SUCCESS(
                "\nOrganiser login for http://127.0.0.1:8000/admin/\n"
                f"  username: {ORGANISER_USERNAME}\n  password: {password}\n"
                "Dev mailbox: http://127.0.0.1:8000/dev/mailbox/\n"
            )
        )

    def _sample_emails_mark_verified(self) -> None:
        """Only emailable offices get campaign mail. In development all mail stays in the dev mailbox, so the
        sample offices' addresses are marked verified to let the email channel be tried end to end."""
        marked = (
            Office.objects.filter(verified_on__isnull=True)
            .exclude(email="")
            .update(verified_on=timezone.localdate(), verified_by=DEV_VERIFIER)
        )
        if marked:
            self.stdout.write(f"Marked {marked} sample office addresses as verified (development only).")

    def _organiser_reset(self) -> str:
        password = secrets.token_urlsafe(9)
        user, _created = get_user_model().objects.get_or_create(username=ORGANISER_USERNAME)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
        # The organiser looks after every country the sample directory covers.
        countries = sorted({str(code) for code in Office.objects.values_list("host_country", flat=True)})
        organiser_scope_set(user=user, host_countries=countries)
        return password
