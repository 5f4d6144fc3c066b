"""Writes for the directory. Keyword-only, typed, named <noun>_<verb>."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from .models import Office, OrganiserScope


def office_email_flag(*, office: Office, reason: str) -> bool:
    """Mark an office's email for organiser review (e.g. it bounced); it receives no mail until cleared.
    True if it was not flagged before."""
    flagged = Office.objects.filter(pk=office.pk, email_flagged_at__isnull=True).update(
        email_flagged_at=timezone.now(), email_flag_reason=reason[:300]
    )
    return bool(flagged)


def organiser_scope_set(*, user: AbstractBaseUser, host_countries: list[str]) -> OrganiserScope:
    """Give an organiser exactly these host countries (ISO codes)."""
    codes = sorted({code.strip().upper() for code in host_countries if code.strip()})
    scope, _created = OrganiserScope.objects.update_or_create(user=user, defaults={"host_countries": codes})
    return scope


def offices_mark_verified(*, offices: QuerySet[Office], verified_by: str, on_date: datetime.date | None = None) -> int:
    """An organiser checked these offices against their own current pages."""
    return offices.update(verified_on=on_date or timezone.localdate(), verified_by=verified_by[:150])


def offices_email_flag_clear(*, offices: QuerySet[Office]) -> int:
    """An organiser reviewed the flagged addresses; they may receive mail again (if verified)."""
    return offices.filter(email_flagged_at__isnull=False).update(email_flagged_at=None, email_flag_reason="")
