"""Who a letter is from: the keyed sender hash that refuses a second identical letter."""

import hashlib
import hmac

from django.conf import settings


def email_normalise(email: str) -> str:
    return email.strip().lower()


# The prefix of a sender hash that was dropped: it no longer derives from any address.
UNLINKED = "unlinked:"


def sender_hash_for(email: str, *, campaign_id: int) -> str:
    """Keyed hash of the address, per campaign: lets us refuse a second identical letter without keeping the
    address. Hashes of different campaigns cannot be linked, and each is dropped when its campaign closes."""
    key = settings.SECRET_KEY.encode()
    message = f"letter-sender:{campaign_id}:{email_normalise(email)}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
