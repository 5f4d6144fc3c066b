"""Share links as plain addresses: no script and nothing of a third party loads until the reader clicks."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings

from .models import HOST_PATTERN

MASTODON_INSTANCE_MAX = 253


@dataclass(frozen=True)
class ShareLinks:
    url: str
    text: str
    telegram: str
    whatsapp: str
    email: str


def site_url(path: str) -> str:
    """An absolute address on the public site (SITE_URL), never built from the request's Host header."""
    return settings.SITE_URL.rstrip("/") + path


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or settings.SITE_URL


def share_links_build(*, url: str, text: str, email_subject: str) -> ShareLinks:
    return ShareLinks(
        url=url,
        text=text,
        telegram="https://t.me/share/url?" + urlencode({"url": url, "text": text}, quote_via=quote),
        whatsapp="https://wa.me/?" + urlencode({"text": f"{text} {url}"}, quote_via=quote),
        email="mailto:?" + urlencode({"subject": email_subject, "body": f"{text}\n\n{url}"}, quote_via=quote),
    )


def mastodon_instance_parse(value: str) -> str | None:
    """The host name in what a person types for their Mastodon server, or None.

    Accepts `mastodon.social`, `https://mastodon.social/`, `@me@mastodon.social` and `me@mastodon.social`; the
    result is only ever a host name, so the redirect can only go to `https://<host>/share`.
    """
    text = value.strip().lower()
    if not text or len(text) > MASTODON_INSTANCE_MAX + 20 or not text.isascii():
        return None
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    text = text.rstrip("/").rpartition("@")[2].rstrip(".")
    if "." not in text or not HOST_PATTERN.match(text):
        return None
    return text


def mastodon_share_url(*, instance: str, text: str) -> str:
    return f"https://{instance}/share?" + urlencode({"text": text}, quote_via=quote)
