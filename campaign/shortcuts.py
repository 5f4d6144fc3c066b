"""Lookups that views of several apps share: the open campaign of a URL, and what the letter page shows."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Campaign
from .selectors import campaign_get_open, campaign_host_countries


def campaign_open_or_404(slug: str) -> Campaign:
    campaign = campaign_get_open(slug=slug)
    if campaign is None:
        raise Http404(_("This campaign does not exist or is closed."))
    return campaign


def letter_page_context(*, campaign: Campaign, cc: str) -> dict:
    """What campaign/letter_form.html needs besides the form; 404 for a country without offices."""
    countries = dict(campaign_host_countries(campaign=campaign))
    if cc.upper() not in countries:
        raise Http404(_("The campaign has no offices in this country."))
    return {
        "campaign": campaign,
        "cc": cc.lower(),
        "country_name": countries[cc.upper()],
        "retention_days": settings.RETENTION_SUPPORTER_DAYS,
        "unconfirmed_days": settings.RETENTION_UNCONFIRMED_DAYS,
    }
