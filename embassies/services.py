"""Writes for the directory. Keyword-only, typed, named <noun>_<verb>."""

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from .models import Office

ORGANISERS_GROUP = "Organisers"


def office_email_flag(*, office: Office, reason: str) -> None:
    """Mark an office's email for organiser review (e.g. it bounced); it receives no mail until cleared."""
    Office.objects.filter(pk=office.pk, email_flagged_at__isnull=True).update(
        email_flagged_at=timezone.now(), email_flag_reason=reason[:300]
    )


def organiser_group_grant(*, app_label: str, codenames: list[str]) -> Group:
    """Give the Organisers group these permissions of one app. Each app calls it for its own models."""
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*permissions)
    return group
