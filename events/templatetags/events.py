"""Event lists other pages can show without their app importing this one: `{% load events %}`."""

from django import template

from campaign.models import Campaign
from embassies.models import Office

from ..models import Event
from ..selectors import event_list_upcoming, event_list_upcoming_cached

register = template.Library()

LISTED_ON_OTHER_PAGES = 5


@register.inclusion_tag("events/_upcoming_list.html")
def upcoming_events(campaign: Campaign | None, country: str = "") -> dict[str, list[Event]]:
    """The next approved events of a campaign, in one country or all; nothing when there are none."""
    if not isinstance(campaign, Campaign):
        return {"events": []}
    events = event_list_upcoming_cached(campaign=campaign, host_country=country or None, limit=LISTED_ON_OTHER_PAGES)
    return {"events": events}


@register.inclusion_tag("events/_office_events.html")
def office_events(office: Office | None) -> dict[str, list[Event]]:
    """The next approved events in front of one office, for the directory's office card."""
    if not isinstance(office, Office):
        return {"events": []}
    return {"events": event_list_upcoming(office=office, limit=LISTED_ON_OTHER_PAGES)}
