"""Anonymous "I called" / "I sent a fax" counts, and the campaign's call scripts."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaign.models import Campaign, ContactChannel
from campaign.selectors import campaign_is_open
from campaign.services import contact_record
from common.abuse import rate_limit_hit
from embassies.models import Office

from ..models import CallScript

SELF_REPORTED_CHANNELS = (ContactChannel.CALL, ContactChannel.FAX)


def call_log_refusal(*, campaign: Campaign, office: Office, channel: str) -> str:
    """Why this report cannot be counted at all, or "" when it can. A closed campaign counts nothing new,
    and a call or fax to a number the office does not have would only inflate the figures."""
    if not campaign_is_open(campaign=campaign):
        return _("This campaign is closed; calls and faxes are no longer counted.")
    if channel == ContactChannel.CALL and not office.phone:
        return _("No phone number is listed for this office.")
    if channel == ContactChannel.FAX and not office.fax:
        return _("No fax number is listed for this office.")
    return ""


def call_log(*, campaign: Campaign, office: Office, channel: str, client_ip: str) -> bool:
    """Count one call or fax. False (and nothing counted) when this address has reported too many this hour.
    Raises ValidationError when the report cannot be counted at all (see call_log_refusal).

    Nothing about the caller is stored; the address only keys a short-lived counter in the cache.
    """
    if channel not in SELF_REPORTED_CHANNELS:
        raise ValueError(f"not a self-reported channel: {channel}")
    refusal = call_log_refusal(campaign=campaign, office=office, channel=channel)
    if refusal:
        raise ValidationError(refusal, code="not_countable")
    if rate_limit_hit(
        scope="tracking-call-log", key=client_ip, limit=settings.CALL_LOG_LIMIT_PER_HOUR, window_seconds=3600
    ):
        return False
    contact_record(campaign=campaign, office=office, channel=channel)
    return True


def call_scripts_read(*, directory: Path) -> dict[str, str]:
    """<language>.txt files: one call script per language."""
    return {path.stem: path.read_text(encoding="utf-8").strip() for path in sorted(directory.glob("*.txt"))}


def call_scripts_add_missing(*, campaign: Campaign, scripts: dict[str, str]) -> list[str]:
    """Give the campaign a script in each language it has none in; a script an organiser already wrote or edited
    is kept. Returns the languages added."""
    existing = set(CallScript.objects.filter(campaign=campaign).values_list("language", flat=True))
    added = [language for language in scripts if language not in existing]
    CallScript.objects.bulk_create(
        [CallScript(campaign=campaign, language=language, text=scripts[language]) for language in added]
    )
    return added
