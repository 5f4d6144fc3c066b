"""What every journey checks on every page it visits, and the screenshots in docs/screenshots/ it leaves behind."""

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# A long page is cut here: its top shows what the page is, and the files stay small enough for the README.
SCREENSHOT_MAX_HEIGHT = 1800

# Evaluated by Playwright through the DevTools protocol, which works with JavaScript off and is not bound by the
# page's Content-Security-Policy.
MEASURE = "() => [document.documentElement.scrollWidth, window.innerWidth, document.documentElement.scrollHeight]"
TOO_WIDE = """(allowed) => Array.from(document.querySelectorAll("body *"))
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter((element) => !(allowed && element.closest(allowed)))
    .slice(0, 5)
    .map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : "")
        + " (" + Math.round(element.getBoundingClientRect().right) + " px)")"""


@dataclass(frozen=True)
class Visit:
    """A Chromium page at one width, with JavaScript on or off, and the Content-Security-Policy reports of its pages.
    Only the JavaScript runs write screenshots, so the two runs of a width never write the same file."""

    page: Page
    width: int
    javascript: bool
    csp_violations: list[str] = field(default_factory=list)
    csp_known: list[tuple[str, str]] = field(default_factory=list)

    def csp_report(self, *, url: str, text: str) -> None:
        """Chromium reports each blocked thing on the console, sometimes after the next page is open."""
        if not any(page in url and kind in text for page, kind in self.csp_known):
            self.csp_violations.append(f"{url}: {text}")

    def csp_known_add(self, *, page: str, kind: str) -> None:
        """Let the CSP block this kind of thing on this page: a bug reported elsewhere, with a test of its own."""
        self.csp_known.append((page, kind))

    @property
    def label(self) -> str:
        return f"{self.width} px, JavaScript {'on' if self.javascript else 'off'}"

    def look(self, screenshot: str | None = None, *, known_too_wide: str = "") -> None:
        """Check the page in view: nothing scrolls sideways and the CSP blocked nothing. Then save it as
        docs/screenshots/<screenshot>-<width>.png.

        known_too_wide: a selector of an element reported as too wide; the page may scroll sideways for it alone.
        """
        assert self.csp_violations == [], f"{self.page.url} at {self.label}"
        scroll_width, inner_width, height = self.page.evaluate(MEASURE)
        if scroll_width > inner_width:
            too_wide = self.page.evaluate(TOO_WIDE, known_too_wide)
            assert known_too_wide and not too_wide, (
                f"{self.page.url} scrolls sideways at {self.label}: {scroll_width} px of content in {inner_width} px; "
                f"too wide: {too_wide}"
            )
        if screenshot and self.javascript:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(
                path=SCREENSHOTS / f"{screenshot}-{self.width}.png",
                full_page=True,
                scale="css",
                animations="disabled",
                clip={"x": 0, "y": 0, "width": inner_width, "height": min(height, SCREENSHOT_MAX_HEIGHT)},
            )
