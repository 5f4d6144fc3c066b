"""Template tags that draw the progress charts as inline SVG."""

import datetime
from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from django_countries import countries

from campaign.models import ContactChannel

from ..charts import bar_chart_svg, day_chart_svg, progress_bar_svg
from ..selectors import CHANNELS, CountryProgress, OfficeProgress

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return str(countries.name(code)) or code


@register.filter
def count_for(counts: dict, channel: str) -> int:
    return counts.get(channel, 0)


@register.simple_tag
def country_chart(country: CountryProgress) -> SafeString:
    labels = dict(ContactChannel.choices)
    return bar_chart_svg(
        title=_("Contacts with offices in %(country)s, by channel") % {"country": country_name(country.code)},
        bars=[(str(labels[channel]), country.counts[channel]) for channel in CHANNELS],
    )


@register.simple_tag
def country_reach_bar(country: CountryProgress) -> SafeString:
    """How much of a country's offices the campaign has reached: the map of where pressure is missing."""
    listed = len(country.offices)
    label = ngettext(
        "%(reached)d of %(listed)d office reached", "%(reached)d of %(listed)d offices reached", listed
    ) % {"reached": country.offices_reached, "listed": listed}
    return progress_bar_svg(value=country.offices_reached, maximum=listed, label=label)


@register.simple_tag
def office_bar(office: OfficeProgress, most_contacts: int) -> SafeString:
    label = ngettext(
        "%(count)d contact; the most-contacted office has %(most)d",
        "%(count)d contacts; the most-contacted office has %(most)d",
        office.contacts,
    ) % {"count": office.contacts, "most": most_contacts}
    return progress_bar_svg(value=office.contacts, maximum=most_contacts, label=label)


@register.simple_tag
def day_chart(days: Sequence[tuple[datetime.date, int]]) -> SafeString:
    return day_chart_svg(title=_("Letters, faxes and calls per day"), days=days)
