"""The embedded counter in a real Chromium: a page on a listed site shows it in its frame, a page elsewhere does not.

Two tiny host pages, each served by its own local HTTP server on its own port (so of its own origin), frame the
live site's counter. Only the first origin is listed for the campaign; the browser itself enforces the rest.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone

import pytest

from campaign.models import Campaign, ContactChannel, ContactEvent
from embassies.models import Office
from sharing.models import EmbedOrigin
from tests.conftest import _connections_close_outside_transactions as connections_close_outside_transactions

pytestmark = pytest.mark.browser

LOCAL = ("http://localhost", "http://127.0.0.1")


def _host_page_server(embed_url: str) -> ThreadingHTTPServer:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A news site</title></head>'
        f'<body><h1>News</h1><iframe id="counter" src="{embed_url}" width="440" height="260"></iframe></body></html>'
    ).encode()

    class HostPage(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), HostPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def host_pages(site):
    embed_url = f"{site}/en/embed/law-13673/"
    servers = [_host_page_server(embed_url), _host_page_server(embed_url)]
    yield [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def chromium_page(chromium, monkeypatch):
    """A page with JavaScript off that records requests to other servers and the browser's CSP reports."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = chromium.new_context(java_script_enabled=False, locale="en-GB")
    requests_elsewhere, csp_messages = [], []
    context.on("request", lambda request: None if request.url.startswith(LOCAL) else requests_elsewhere.append(request))
    context.on("console", lambda message: csp_messages.append(message.text) if "Security Policy" in message.text else 0)
    yield context.new_page(), csp_messages
    context.close()
    connections_close_outside_transactions()
    assert requests_elsewhere == []


def _counter_frame(page):
    return next(frame for frame in page.frames if frame.parent_frame is page.main_frame)


def test_a_listed_site_shows_the_counter_and_another_is_refused(site, host_pages, chromium_page):
    page, csp_messages = chromium_page
    allowed, refused = host_pages
    campaign = Campaign.objects.get(slug="law-13673")
    EmbedOrigin.objects.create(campaign=campaign, origin=allowed)
    office = Office.objects.filter(host_country="CZ").first()
    ContactEvent.objects.create(
        campaign=campaign, office=office, channel=ContactChannel.EMAIL_SENT, quantity=3, occurred_at=timezone.now()
    )

    page.goto(allowed, wait_until="load")
    frame = _counter_frame(page)
    assert frame.url == f"{site}/en/embed/law-13673/"
    assert frame.locator('[data-counter="contacts"]').inner_text() == "3"
    action = frame.locator("a.embed-action")
    assert action.inner_text() == "Write a letter"
    assert action.get_attribute("target") == "_blank"
    assert csp_messages == []

    page.goto(refused, wait_until="load")
    frame = _counter_frame(page)
    # Blocked: Chromium leaves the frame empty (no URL, about:blank or its error page), never our document.
    assert frame.url in {"", "about:blank"} or frame.url.startswith("chrome-error://"), frame.url
    assert "Write a letter" not in frame.content()
    assert any("frame-ancestors" in message for message in csp_messages)
