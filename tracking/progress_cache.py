"""The public progress figures, cached per campaign. The only module of tracking that writes the cache.

selectors.progress_compute reads every figure of a campaign. With thousands of offices and a hundred contacts a
second, running it for every page view, or after every contact, keeps the database busy and the cache cold. So:

- The copy in the cache carries the time it was computed. It is fresh for PROGRESS_CACHE_SECONDS, but kept for
  STALE_COPY_SECONDS, so there is something to serve while it is rebuilt.
- A stale copy is rebuilt by the one process that wins `cache.add` on the lock key; every other process serves
  the stale copy meanwhile. A rebuild that dies leaves its lock to expire after REBUILD_LOCK_SECONDS.
- With no copy at all (a cold or flushed cache), a process that does not get the lock computes the figures for
  its own page and does not share them. Waiting for the lock holder would hold the worker just as long and add
  a timeout to tune; a cold cache happens once per flush, so that costs at most one computation per worker.
- Each process also keeps the copy it last read or computed, and uses it while it is fresh without asking the
  cache: at thousands of offices the copy is about a megabyte of pickle, and fetching and unpickling it for every
  page view costs more than rendering the page. A process reads the shared copy about once per
  PROGRESS_CACHE_SECONDS.
- While Redis is down, reads miss and `cache.add` raises CacheUnavailable: each process computes the figures
  itself, at most once per PROGRESS_CACHE_SECONDS.

New contacts, replies and answers do not touch the cache: the pages show figures at most PROGRESS_CACHE_SECONDS
old (plus the time of one rebuild), and say so.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from campaign.models import Campaign
from common.cache import CacheUnavailable
from embassies.models import Office

from .selectors import OfficeProgress, Progress, progress_compute

# Longer than any rebuild takes, shorter than anyone would wait for figures after a crashed rebuild.
REBUILD_LOCK_SECONDS = 30
STALE_COPY_SECONDS = 24 * 60 * 60

# Campaign id -> this process's latest copy. Replaced whole, never changed in place, so threads can share it.
_process_copies: dict[int, Progress] = {}


def _figures_key(campaign_id: int) -> str:
    return f"tracking:progress-figures:{campaign_id}"


def _lock_key(campaign_id: int) -> str:
    return f"tracking:progress-rebuild:{campaign_id}"


def _fresh(progress: Progress) -> bool:
    if progress.computed_at is None:
        return False
    return timezone.now() - progress.computed_at < datetime.timedelta(seconds=settings.PROGRESS_CACHE_SECONDS)


def _kept(campaign_id: int, progress: Progress) -> Progress:
    _process_copies[campaign_id] = progress
    return progress


def progress_for_campaign(*, campaign: Campaign) -> Progress:
    """The public figures, at most PROGRESS_CACHE_SECONDS old (see the module's notes), rebuilt by one process."""
    own = _process_copies.get(campaign.pk)
    if own is not None and _fresh(own):
        return own
    shared = cache.get(_figures_key(campaign.pk))
    if shared is not None and _fresh(shared):
        return _kept(campaign.pk, shared)
    try:
        rebuild_here = cache.add(_lock_key(campaign.pk), True, timeout=REBUILD_LOCK_SECONDS)
    except CacheUnavailable:
        return _kept(campaign.pk, progress_compute(campaign=campaign))
    if not rebuild_here:
        stale = shared if shared is not None else own
        return stale if stale is not None else _kept(campaign.pk, progress_compute(campaign=campaign))
    try:
        progress = progress_compute(campaign=campaign)
        cache.set(_figures_key(campaign.pk), progress, timeout=STALE_COPY_SECONDS)
    finally:
        # Had the rebuild outlived its lock, this would free the next holder's lock early: one extra rebuild at worst.
        cache.delete(_lock_key(campaign.pk))
    return _kept(campaign.pk, progress)


def office_progress_get(*, campaign: Campaign, office: Office) -> OfficeProgress:
    """One office's figures, taken from the cached campaign figures."""
    figures = progress_for_campaign(campaign=campaign).office(office.pk)
    if figures is not None:
        return figures
    # Listed after the figures were computed: nothing counted yet, as far as the page knows.
    return OfficeProgress(
        office_id=office.pk, name=office.name, kind=office.kind, city=office.city, host_country=office.host_country.code
    )
