"""WeasyPrint set up once and reused: the parsed print stylesheet and the font configuration
are the expensive parts that repeat between documents."""

import logging
from pathlib import Path
from typing import BinaryIO

# Set before importing WeasyPrint, which logs its progress (even parsing its own stylesheets) at INFO,
# and warns for every refused URL.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import CSS, HTML, Page  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from .fetcher import StaticOnlyFetcher  # noqa: E402


class PdfEngine:
    def __init__(self, *, stylesheet: str | Path, static_roots: list[str | Path]):
        self.fetcher = StaticOnlyFetcher(roots=static_roots)
        self.font_config = FontConfiguration()
        stylesheet = Path(stylesheet)
        self.base_url = stylesheet.parent.as_uri() + "/"
        self.stylesheet = CSS(filename=str(stylesheet), url_fetcher=self.fetcher, font_config=self.font_config)

    def write(self, *, html: str, target: str | Path | BinaryIO, tagged: bool = True) -> int:
        """Render one HTML document to target (a path or a binary file); return its page count."""
        return len(self.write_with_layout(html=html, target=target, tagged=tagged))

    def write_with_layout(self, *, html: str, target: str | Path | BinaryIO, tagged: bool = False) -> list[dict]:
        """Render, and tell for each page which letter it belongs to (data-letter) and where, if
        anywhere, its empty signature slot is (x, y, width, height in CSS px from the page's corner)."""
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=[self.stylesheet], font_config=self.font_config, pdf_tags=tagged
        )
        document.write_pdf(target, pdf_tags=tagged)
        return [_page_layout(page) for page in document.pages]


def _page_layout(page: Page) -> dict:
    layout: dict = {"letter": None, "slot": None}
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None:
            continue
        if layout["letter"] is None and element.get("data-letter") is not None:
            layout["letter"] = int(element.get("data-letter"))
        if layout["slot"] is None and "signature-slot" in (element.get("class") or "").split():
            layout["slot"] = [box.content_box_x(), box.content_box_y(), box.width, box.height]
    return layout
