"""Template helpers for pages that show directory offices: hours seen from the office now, safe links."""

from django import template
from django.utils import timezone

from ..hours import OfficeHoursStatus, office_hours_status
from ..links import web_url as web_url_or_empty
from ..models import Office

register = template.Library()


@register.simple_tag
def office_hours_now(office: Office) -> OfficeHoursStatus:
    """Reads office.hours.all(): a page listing offices prefetches them (selectors.office_list_for_directory)."""
    return office_hours_status(hours=office.hours.all(), time_zone=office.zone, moment=timezone.now())


@register.filter
def web_url(url: str) -> str:
    return web_url_or_empty(url)
