"""Public reads for sharing: the counts the API and the embed show, and where the embed may be framed.

The figures come from tracking's cached progress (tracking.progress_cache), so a request costs the campaign's
lookup and nothing per office. Nothing here reads a letter or a submission: no personal data can leak out.
"""

import re
from dataclasses import dataclass

from django.utils import translation

from django_countries import countries

from campaign.models import CONTACT_CHANNELS, Campaign
from tracking.progress_cache import progress_for_campaign
from tracking.selectors import CountryProgress, OfficeProgress, Progress
from tracking.selectors import campaign_get_public as tracking_campaign_get_public

from .models import EmbedOrigin

API_VERSION = 1
SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
COUNTRY_PATTERN = re.compile(r"^[A-Za-z]{2}$")


def campaign_get_public(*, slug: str) -> Campaign | None:
    """Any campaign, open or closed (its counts stay public), by a slug that could be one; else None."""
    if not SLUG_PATTERN.match(slug):
        return None
    return tracking_campaign_get_public(slug=slug)


def _contacts(counts: dict[str, int]) -> int:
    return sum(counts.get(channel, 0) for channel in CONTACT_CHANNELS)


def _channels(counts: dict[str, int]) -> dict[str, int]:
    return {channel: counts.get(channel, 0) for channel in CONTACT_CHANNELS}


def _country_name(code: str) -> str:
    with translation.override("en"):
        return str(countries.name(code))


def _country_summary(country: CountryProgress) -> dict:
    return {
        "code": country.code,
        "name": _country_name(country.code),
        "offices_listed": len(country.offices),
        "offices_reached": country.offices_reached,
        "contacts": _contacts(country.counts),
        "channels": _channels(country.counts),
    }


def _office_public(office: OfficeProgress) -> dict:
    return {
        "id": office.office_id,
        "name": office.name,
        "city": office.city,
        "kind": office.kind,
        "contacts": office.contacts,
        "channels": _channels(office.counts),
        "contacted": office.contacted,
        "replied": office.has_replied,
    }


def _campaign_public(campaign: Campaign) -> dict:
    return {"slug": campaign.slug, "title": campaign.title, "target": campaign.target, "is_open": campaign.is_open}


def _computed_at(progress: Progress) -> str | None:
    return progress.computed_at.isoformat() if progress.computed_at else None


def campaign_counts_public(*, campaign: Campaign) -> dict:
    """The campaign's public totals and one line per host country, as the API gives them."""
    progress = progress_for_campaign(campaign=campaign)
    return {
        "api_version": API_VERSION,
        "campaign": _campaign_public(campaign),
        "computed_at": _computed_at(progress),
        "counted_channels": list(CONTACT_CHANNELS),
        "totals": {
            "offices_listed": progress.offices_listed,
            "offices_reached": progress.offices_reached,
            "offices_replied": progress.offices_replied,
            "contacts": _contacts(progress.totals),
            "channels": _channels(progress.totals),
        },
        "countries": sorted((_country_summary(country) for country in progress.countries), key=lambda c: c["code"]),
    }


def country_counts_public(*, campaign: Campaign, code: str) -> dict | None:
    """One host country's offices with their public counts, or None when the campaign has no office there."""
    if not COUNTRY_PATTERN.match(code):
        return None
    progress = progress_for_campaign(campaign=campaign)
    country = progress.country(code.upper())
    if country is None:
        return None
    offices = sorted(country.offices, key=lambda office: (office.city, office.name, office.office_id))
    return {
        "api_version": API_VERSION,
        "campaign": _campaign_public(campaign),
        "computed_at": _computed_at(progress),
        "counted_channels": list(CONTACT_CHANNELS),
        "country": _country_summary(country),
        "offices": [_office_public(office) for office in offices],
    }


@dataclass(frozen=True)
class Counter:
    """What the embedded counter shows: for the whole campaign, or for one host country."""

    contacts: int
    offices_reached: int
    offices_listed: int
    country_code: str = ""


def embed_counter_get(*, campaign: Campaign, code: str = "") -> Counter | None:
    """The counter's figures; None for a country the campaign has no office in."""
    progress = progress_for_campaign(campaign=campaign)
    if not code:
        return Counter(
            contacts=_contacts(progress.totals),
            offices_reached=progress.offices_reached,
            offices_listed=progress.offices_listed,
        )
    country = progress.country(code.upper()) if COUNTRY_PATTERN.match(code) else None
    if country is None:
        return None
    return Counter(
        contacts=_contacts(country.counts),
        offices_reached=country.offices_reached,
        offices_listed=len(country.offices),
        country_code=country.code,
    )


def embed_origins_for_campaign(*, campaign: Campaign) -> list[str]:
    """The origins an organiser allowed to frame the campaign's counter, normalised when they were saved."""
    return list(EmbedOrigin.objects.filter(campaign=campaign).order_by("origin").values_list("origin", flat=True))
