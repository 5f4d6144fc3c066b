"""Anonymous contact counts."""

from django.utils import timezone

from embassies.models import Office

from ..models import Campaign, ContactChannel, ContactEvent


def contact_record(
    *, campaign: Campaign, office: Office, channel: ContactChannel | str, quantity: int = 1, occurred_at=None
) -> ContactEvent:
    """Count an anonymous contact with an office. Holds no personal data."""
    return ContactEvent.objects.create(
        campaign=campaign,
        office=office,
        channel=channel,
        quantity=quantity,
        occurred_at=occurred_at or timezone.now(),
    )
