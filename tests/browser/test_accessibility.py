"""Every public page, in every interface language, has no WCAG 2.2 A/AA violation that axe-core finds.

The pages come from the URLconf: each language-prefixed route is either visited below or named in NOT_PAGES with
why it is no page to check, so a new public page fails here until it is covered. Pages reached only by a form
(errors, preview, the mail-app page, confirmations) are reached by pressing their buttons.

axe-core is a test asset (tests/browser/assets/axe.min.js), injected by Chromium into each page; it is never served
by the site. One Chromium, a few tabs, one live server.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

import pytest
from PIL import Image

from campaign.identity import image_reencode
from campaign.models import Campaign, Submission
from campaign.tokens import submission_forget_token, submission_status_token, submission_token_hashes
from embassies.models import Office
from faxing.models import FaxGateway, GatewayKind
from tests.factories import LetterFactory, SubmissionFactory

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_START = """(tags) => {
  window.axeViolations = axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
    .then((results) => results.violations.map((violation) => violation.id + " (" + violation.help + "): " +
      violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(" | ")));
}"""
AXE_COLLECT = "() => window.axeViolations"
PARALLEL_PAGES = 4  # pages load and axe runs in several renderers at once; one Chromium
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Language-prefixed routes that are no page for supporters to read: files, POST-only actions, staff and group pages.
NOT_PAGES = {
    "embassies:directory_csv": "a CSV file",
    "campaign:campaign_theme": "a stylesheet",
    "embassies:country_csv": "a CSV file",
    "printing:supporter_pdf": "a PDF; its error page is the letter form with errors, checked below",
    "printing:batch_list": "group members only",
    "printing:batch_new": "group members only",
    "printing:batch_detail": "group members only",
    "printing:batch_download": "group members only, a file",
    "printing:batch_printed": "group members only, POST",
    "printing:batch_posted": "group members only, POST",
    "tracking:dashboard": "staff only",
    "tracking:dashboard_csv": "staff only, a CSV file",
    "tracking:reply_attachment": "staff only, a file",
    "tracking:office_report": "POST only; it answers with the office page",
    "sharing:og_image": "a PNG image",
    "events:event_ics": "a calendar file",
    "events:campaign_ics": "a calendar file",
    "events:country_ics": "a calendar file",
    "events:event_photo": "an image",
    "events:event_rsvp": "POST only; it answers with the event page",
    "events:event_proposed": "reached after proposing an event; see the event pages' own tests",
    "posters:poster_pdf": "a PDF",
    "posters:poster_upload": "a file",
}


@dataclass
class World:
    campaign: Campaign
    office: Office
    status_token: str
    forget_token: str
    event_id: int | None


def world_build() -> World:
    """The sample campaign with a light accent colour (so its text turns black) and an image."""
    campaign = Campaign.objects.get(slug="law-13673")
    picture = io.BytesIO()
    Image.new("RGB", (600, 300), (255, 215, 0)).save(picture, "PNG")
    image = image_reencode(data=picture.getvalue())
    campaign.accent_colour = "#ffd700"
    campaign.image.save(image.name, ContentFile(image.content), save=False)
    campaign.save()
    office = Office.objects.filter(host_country="CZ", email__gt="").order_by("pk").first()
    # A fax gateway, so the letter form's and the office page's "by fax" parts are checked too.
    Office.objects.filter(pk=office.pk, fax="").update(fax="+420233342001")
    FaxGateway.objects.create(host_country="CZ", kind=GatewayKind.EMAIL, address_template="{number}@sinchfax.com")
    submission = SubmissionFactory(campaign=campaign, email="jana@example.org")
    LetterFactory(submission=submission, campaign=campaign, office=office)
    Submission.objects.filter(pk=submission.pk).update(**submission_token_hashes(submission=submission))
    return World(
        campaign=campaign,
        office=office,
        status_token=submission_status_token(submission=submission),
        forget_token=submission_forget_token(submission=submission),
        event_id=_event_create(campaign=campaign, office=office),
    )


def _event_create(*, campaign: Campaign, office: Office) -> int | None:
    try:
        from events.models import Event, EventStatus  # noqa: PLC0415 - the events app may not be installed
    except ImportError:
        return None
    starts = timezone.now() + datetime.timedelta(days=3)
    return Event.objects.create(
        campaign=campaign,
        office=office,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        meeting_point="In front of the embassy",
        description="A quiet vigil with letters.",
        status=EventStatus.APPROVED,
    ).pk


def public_routes() -> set[str]:
    def walk(patterns, namespace="", localised=False):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(
                    pattern.url_patterns, inner, localised or isinstance(pattern.pattern, LocalePrefixPattern)
                )
            elif isinstance(pattern, URLPattern) and pattern.name and localised:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def route_urls(world: World) -> dict[str, list[str]]:
    """The address of each page to open as it is, by route."""
    slug, office_id = world.campaign.slug, world.office.pk
    urls = {
        "campaign:campaign_list": [reverse("campaign:campaign_list")],
        "campaign:privacy": [reverse("campaign:privacy")],
        "campaign:forget_request": [reverse("campaign:forget_request")],
        "campaign:campaign_detail": [
            reverse("campaign:campaign_detail", args=[slug]),
            reverse("campaign:campaign_detail", args=[slug]) + "?country=XX",
        ],
        "campaign:check_inbox": [reverse("campaign:check_inbox", args=[slug])],
        "campaign:submission_confirm": [reverse("campaign:submission_confirm", args=[slug, "not-a-token"])],
        "campaign:letter_status": [
            reverse("campaign:letter_status", args=[slug, world.status_token]),
            reverse("campaign:letter_status", args=[slug, "not-a-token"]),
        ],
        "campaign:submission_forget": [reverse("campaign:submission_forget", args=[slug, world.forget_token])],
        "campaign:letter_form": [reverse("campaign:letter_form", args=[slug, "cz"])],
        "printing:login": [reverse("printing:login")],
        "printing:supporter_posted": [],  # pressed from the letter form, below
        "embassies:country_list": [reverse("embassies:country_list")],
        "embassies:country_detail": [reverse("embassies:country_detail", args=["cz"])],
        "tracking:progress": [reverse("tracking:progress", args=[slug])],
        "tracking:progress_country": [reverse("tracking:progress_country", args=[slug, "cz"])],
        "tracking:office": [reverse("tracking:office", args=[slug, office_id])],
        "tracking:survey_answer": [reverse("tracking:survey_answer", args=["not-a-token"])],
        "sharing:embed": [reverse("sharing:embed", args=[slug])],
        "sharing:mastodon_share": [reverse("sharing:mastodon_share", args=[slug])],
        "corrections:office_report": [reverse("corrections:office_report", args=[office_id])],
        "corrections:office_report_sent": [reverse("corrections:office_report_sent", args=[office_id])],
        "posters:poster_list": [reverse("posters:poster_list", args=[slug])],
        "events:event_list": [reverse("events:event_list")],
        "events:country_events": [reverse("events:country_events", args=["cz"])],
        "events:event_propose": [reverse("events:event_propose", args=["cz"])],
        "events:event_detail": [reverse("events:event_detail", args=[world.event_id])] if world.event_id else [],
    }
    return urls


def press(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def form_pages(page, world: World) -> list[tuple[str, Callable[[], None]]]:
    """Pages reached by pressing a button, each as (name, how to get there from nowhere)."""
    form_url = reverse("campaign:letter_form", args=[world.campaign.slug, "cz"])

    def letter_form_errors():
        page.goto(page.base_url + form_url)
        press(page, "button[value=email]")

    def letter_form_preview():
        page.goto(page.base_url + form_url)
        page.fill("input[name=name]", "Jana Nováková")
        press(page, "button[value=preview]")

    def mailto_page():
        page.goto(page.base_url + form_url)
        page.fill("input[name=name]", "Jana Nováková")
        press(page, "button[value=mailto]")

    def posted_page():
        page.goto(page.base_url + form_url)
        press(page, "button[value=posted]")

    def print_errors():
        page.goto(page.base_url + form_url)
        press(page, "button[value=print]")

    def confirm_failed():
        page.goto(page.base_url + reverse("campaign:submission_confirm", args=[world.campaign.slug, "not-a-token"]))
        press(page, "main form button[type=submit]")

    def survey_done():
        page.goto(page.base_url + reverse("tracking:survey_answer", args=["not-a-token"]))
        press(page, "main form button[type=submit]")

    def forget_request_sent():
        page.goto(page.base_url + reverse("campaign:forget_request"))
        press(page, "main form button[type=submit]")  # empty: the field's error

    pages = [
        ("letter form with errors", letter_form_errors),
        ("letter form with preview", letter_form_preview),
        ("mail-app page", mailto_page),
        ("PDF with errors", print_errors),
        ("confirm link not valid", confirm_failed),
        ("survey link not valid", survey_done),
        ("erase request with an error", forget_request_sent),
    ]
    if "printing:supporter_posted" in public_routes():
        pages.append(("posted letters", posted_page))
    return pages


def test_every_public_route_is_checked_or_named_as_no_page():
    world_routes = set(
        route_urls(
            World(campaign=Campaign(slug="x"), office=Office(pk=1), status_token="t", forget_token="t", event_id=1)
        )
    )
    unclassified = public_routes() - world_routes - set(NOT_PAGES)
    assert not unclassified, f"add these routes to route_urls or NOT_PAGES: {sorted(unclassified)}"


def axe_run(page) -> list[str]:
    page.evaluate(AXE_START, AXE_TAGS)
    return page.evaluate(AXE_COLLECT)


def test_every_public_page_in_every_language_passes_axe(site, browser_context):
    world = world_build()
    context = browser_context(bypass_csp=True, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    # The fonts change nothing axe checks; not fetching them keeps the run short.
    context.route("**/*.ttf", lambda route: route.abort())
    tabs = [context.new_page() for _ in range(PARALLEL_PAGES)]
    page = tabs[0]
    page.base_url = site
    violations: list[str] = []

    # axe itself works here: a page with an unlabelled field and an image without text fails.
    page.goto(site + reverse("campaign:privacy"))
    page.set_content('<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>')
    assert {line.split(" ")[0] for line in axe_run(page)} >= {"image-alt", "label"}

    def check_urls(label: str, urls: list[str]) -> None:
        for start in range(0, len(urls), PARALLEL_PAGES):
            batch = list(zip(tabs, urls[start : start + PARALLEL_PAGES], strict=False))
            for tab, url in batch:
                tab.evaluate("address => { location.href = address; }", site + url)
            for tab, url in batch:
                tab.wait_for_url(lambda address, expected=site + url: address == expected)
                tab.evaluate(AXE_START, AXE_TAGS)
            for tab, url in batch:
                violations.extend(f"{label} [{url}]: {line}" for line in tab.evaluate(AXE_COLLECT))

    def check_forms(label: str, reached: list[tuple[str, Callable[[], None]]]) -> None:
        for name, reach in reached:
            reach()
            violations.extend(f"{label} {name} [{page.url.removeprefix(site)}]: {line}" for line in axe_run(page))

    for language in LANGUAGES:
        with translation.override(language):
            check_urls(language, [url for route_list in route_urls(world).values() for url in route_list])
            check_forms(language, form_pages(page, world))

    # Dark mode: the same checks, colours above all, on the supporter's main pages.
    for tab in tabs:
        tab.emulate_media(color_scheme="dark")
    with translation.override("en"):
        urls = route_urls(world)
        check_urls(
            "en dark",
            urls["campaign:campaign_list"]
            + urls["campaign:campaign_detail"]
            + urls["campaign:letter_form"]
            + urls["tracking:progress"],
        )
        check_forms("en dark", form_pages(page, world)[:3])

    assert not violations, "\n".join(violations)
