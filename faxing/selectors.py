"""Reads of the fax channel."""

from .models import FaxGateway


def fax_gateway_for_country(*, host_country: str) -> FaxGateway | None:
    """The active gateway that faxes offices in this country, if organisers set one up."""
    return FaxGateway.objects.filter(host_country=host_country.upper(), is_active=True).first()
