"""The time zone an office's events are planned in: by default its host country's, chosen from the tz database.

The tz database lists a country's zones most populous region first; where that is not the capital, where
embassies sit, the capital's zone is named here. An organiser can set another zone on the office.
"""

import functools
import zoneinfo
from importlib import resources

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FALLBACK_TIME_ZONE = "UTC"
# Countries with several zones whose capital is not in the first one listed by zone.tab.
CAPITAL_TIME_ZONES = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}


@functools.cache
def _first_zone_by_country() -> dict[str, str]:
    try:
        table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    zones: dict[str, str] = {}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            zones.setdefault(columns[0], columns[2])
    return zones


def time_zone_for_country(*, country_code: str) -> str:
    """The IANA zone of a country's capital, or UTC for a code the tz database does not know."""
    code = (country_code or "").upper()
    return CAPITAL_TIME_ZONES.get(code) or _first_zone_by_country().get(code) or FALLBACK_TIME_ZONE


@functools.cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_validate(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(
            _("“%(zone)s” is not a time zone name. Use a name like Europe/Prague."),
            code="unknown_time_zone",
            params={"zone": value[:64]},
        )
