"""Who a letter is from: the keyed sender hash, and header-safe addresses."""

import hashlib
import hmac
import re
from email.headerregistry import Address

from django.conf import settings

UNSAFE_IN_DISPLAY_NAME = re.compile(r"[\x00-\x1f\x7f<>\"\\@,;:]")


def email_normalise(email: str) -> str:
    return email.strip().lower()


def sender_hash_for(email: str) -> str:
    """Keyed hash of the address: lets us refuse a second identical letter without keeping the address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"letter-sender:{email_normalise(email)}".encode(), hashlib.sha256).hexdigest()


def display_name_sanitise(name: str) -> str:
    """Keep a supporter's name readable but inert in a From: header."""
    cleaned = UNSAFE_IN_DISPLAY_NAME.sub(" ", name)
    return " ".join(cleaned.split())[:100]


def address_format(*, name: str, email: str) -> str:
    local, _at, domain = email.partition("@")
    return str(Address(display_name=display_name_sanitise(name), username=local, domain=domain))
