"""Addresses from the directory that a page may turn into links."""

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def web_url(url: str) -> str:
    """The address if it is an ordinary web page, else "": a javascript: or data: address in imported or hand-typed
    data must never become a link on a supporter's page."""
    candidate = (url or "").strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return ""
    return candidate if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else ""
