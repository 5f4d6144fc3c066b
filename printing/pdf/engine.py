"""WeasyPrint set up once and reused: the parsed print stylesheet and the font configuration
are the expensive parts that repeat between documents."""

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

# Set before importing WeasyPrint, which logs its progress (even parsing its own stylesheets) at INFO,
# and warns for every refused URL.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import CSS, HTML, Document, Page  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from .fetcher import StaticOnlyFetcher  # noqa: E402


class PdfEngine:
    def __init__(self, *, stylesheet: str | Path, static_roots: list[str | Path]):
        self.fetcher = StaticOnlyFetcher(roots=static_roots)
        self.font_config = FontConfiguration()
        stylesheet = Path(stylesheet)
        self.base_url = stylesheet.parent.as_uri() + "/"
        self.stylesheet = CSS(filename=str(stylesheet), url_fetcher=self.fetcher, font_config=self.font_config)

    def write(self, *, html: str | Sequence[str], target: str | Path | BinaryIO, tagged: bool = True) -> int:
        """Render HTML to target (a path or a binary file); return its page count. A list of HTML documents is
        laid out one by one (each counts its own pages) and written as one PDF."""
        return len(self.write_with_layout(html=html, target=target, tagged=tagged))

    def write_with_layout(
        self, *, html: str | Sequence[str], target: str | Path | BinaryIO, tagged: bool = False
    ) -> list[dict]:
        """Render, and tell for each page which letter it belongs to (data-letter) and where, if anywhere, its
        empty signature slot (x, y, width, height) and its empty recipient slot (x, y) are, in CSS px from the
        page's corner."""
        documents = [self._render(text, tagged=tagged) for text in ([html] if isinstance(html, str) else html)]
        if not documents:
            raise ValueError("Nothing to render")
        document = documents[0]
        if len(documents) > 1:
            document = document.copy([page for each in documents for page in each.pages])
        document.write_pdf(target, pdf_tags=tagged)
        return [_page_layout(page) for page in document.pages]

    def _render(self, html: str, *, tagged: bool) -> Document:
        return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=[self.stylesheet], font_config=self.font_config, pdf_tags=tagged
        )


def _page_layout(page: Page) -> dict:
    layout: dict = {"letter": None, "slot": None, "recipient": None}
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None:
            continue
        if layout["letter"] is None and element.get("data-letter") is not None:
            layout["letter"] = int(element.get("data-letter"))
        classes = (element.get("class") or "").split()
        if layout["slot"] is None and "signature-slot" in classes:
            layout["slot"] = [box.content_box_x(), box.content_box_y(), box.width, box.height]
        if layout["recipient"] is None and "recipient-slot" in classes:
            layout["recipient"] = [box.content_box_x(), box.content_box_y()]
    return layout
