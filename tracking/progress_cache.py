"""The public progress figures, cached per campaign. The only module of tracking that writes the cache.

Figures are computed by selectors.progress_compute and kept under a key that carries a version number;
every new contact, reply or answer bumps the version (receivers.py), so the next view recomputes.
"""

from django.conf import settings
from django.core.cache import cache

from campaign.models import Campaign
from common.cache import CacheUnavailable
from embassies.models import Office

from .selectors import OfficeProgress, Progress, progress_compute


def _progress_version_key(campaign_id: int) -> str:
    return f"tracking:progress-version:{campaign_id}"


def progress_cache_invalidate(*, campaign_id: int) -> None:
    """Called whenever a contact, reply or answer is recorded: the next page view recomputes."""
    try:
        cache.incr(_progress_version_key(campaign_id))
    except ValueError:
        cache.set(_progress_version_key(campaign_id), 1, timeout=None)
    except CacheUnavailable:
        pass  # nothing can be cached while the cache is down; figures expire within PROGRESS_CACHE_SECONDS


def progress_for_campaign(*, campaign: Campaign) -> Progress:
    """The public figures, cached briefly. Keyed by a version that each new contact bumps."""
    version = cache.get_or_set(_progress_version_key(campaign.pk), 0, timeout=None)
    key = f"tracking:progress:{campaign.pk}:{version}"
    progress = cache.get(key)
    if progress is None:
        progress = progress_compute(campaign=campaign)
        progress.version = version
        cache.set(key, progress, timeout=settings.PROGRESS_CACHE_SECONDS)
    return progress


def office_progress_get(*, campaign: Campaign, office: Office) -> OfficeProgress:
    """One office's figures, taken from the cached campaign figures."""
    progress = progress_for_campaign(campaign=campaign)
    for country in progress.countries:
        for office_progress in country.offices:
            if office_progress.office_id == office.pk:
                return office_progress
    return OfficeProgress(
        office_id=office.pk, name=office.name, kind=office.kind, city=office.city, host_country=office.host_country.code
    )
