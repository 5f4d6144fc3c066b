"""Who a letter is from: the keyed sender hash that refuses a second identical letter."""

import hashlib
import hmac

from django.conf import settings


def email_normalise(email: str) -> str:
    return email.strip().lower()


def sender_hash_for(email: str) -> str:
    """Keyed hash of the address: lets us refuse a second identical letter without keeping the address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"letter-sender:{email_normalise(email)}".encode(), hashlib.sha256).hexdigest()
