"""Anonymous "I called" / "I sent a fax" counts."""

from django.conf import settings

from campaign.abuse import rate_limit_hit
from campaign.models import Campaign, ContactChannel
from campaign.services import contact_record
from embassies.models import Office

SELF_REPORTED_CHANNELS = (ContactChannel.CALL, ContactChannel.FAX)


def call_log(*, campaign: Campaign, office: Office, channel: str, client_ip: str) -> bool:
    """Count one call or fax. False (and nothing counted) when this address has reported too many this hour.

    Nothing about the caller is stored; the address only keys a short-lived counter in the cache.
    """
    if channel not in SELF_REPORTED_CHANNELS:
        raise ValueError(f"not a self-reported channel: {channel}")
    if rate_limit_hit(
        scope="tracking-call-log", key=client_ip, limit=settings.CALL_LOG_LIMIT_PER_HOUR, window_seconds=3600
    ):
        return False
    contact_record(campaign=campaign, office=office, channel=channel)
    return True
