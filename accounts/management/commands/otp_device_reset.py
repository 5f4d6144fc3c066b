"""manage.py otp_device_reset USERNAME: forget a staff member's authenticator (a lost phone).

The admin's TOTP devices page does the same for superusers; this is the way back in when the one who lost the
phone is the only superuser.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import totp_devices_delete


class Command(BaseCommand):
    help = "Remove a user's authenticator devices; they set up a new one at their next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist as error:
            raise CommandError(f"No user {username!r}.") from error
        deleted = totp_devices_delete(user=user)
        self.stdout.write(f"{username}: {deleted} device(s) removed; a new one is set up at the next sign-in.")
