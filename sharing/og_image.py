"""The social card: a 1200×630 PNG of the campaign's title and summary, drawn by the site itself.

Link previews (Open Graph) fetch it; no image service or third-party font is involved. The card is drawn once per
campaign, language and text, and kept in the cache: a changed title or summary has a new key.
"""

import hashlib
import io
from functools import cache as memoise

from django.conf import settings
from django.core.cache import cache

from PIL import Image, ImageDraw, ImageFont

from campaign.models import Campaign

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = (255, 213, 0)  # the campaign's yellow, with a blue band: legible at thumbnail size
BAND = (0, 87, 183)
INK = (17, 24, 39)
BAND_INK = (255, 255, 255)
BAND_HEIGHT = 110
TITLE_SIZE, TITLE_LINES = 64, 3
SUMMARY_SIZE, SUMMARY_LINES = 34, 4
FOOTER_SIZE = 30
FONTS = settings.BASE_DIR / "static" / "fonts"
ELLIPSIS = "…"


@memoise
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def _lines_fit(text: str, *, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Words wrapped to the width; a word too long for a line is cut; the last line ends in … if text is left."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while font.getlength(current) > width:
            cut = len(current) - 1
            while cut > 1 and font.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
        if len(lines) >= max_lines:
            return _ellipsised(lines[:max_lines], font=font, width=width)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        return _ellipsised(lines[:max_lines], font=font, width=width)
    return lines


def _ellipsised(lines: list[str], *, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    last = lines[-1]
    while last and font.getlength(last + ELLIPSIS) > width:
        last = last[:-1]
    return [*lines[:-1], last.rstrip(" .,;:") + ELLIPSIS]


def og_image_render(*, title: str, summary: str, footer: str) -> bytes:
    """The card as PNG bytes. Pure: reads no database."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    title_font = _font("NotoSans-Bold.ttf", TITLE_SIZE)
    summary_font = _font("NotoSans-Regular.ttf", SUMMARY_SIZE)
    footer_font = _font("NotoSans-Bold.ttf", FOOTER_SIZE)

    y = MARGIN
    for line in _lines_fit(title, font=title_font, width=text_width, max_lines=TITLE_LINES):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += int(TITLE_SIZE * 1.25)
    y += 24
    summary_room = (HEIGHT - BAND_HEIGHT - 24 - y) // int(SUMMARY_SIZE * 1.4)
    summary_lines = max(0, min(SUMMARY_LINES, summary_room))
    if summary_lines:
        for line in _lines_fit(summary, font=summary_font, width=text_width, max_lines=summary_lines):
            draw.text((MARGIN, y), line, font=summary_font, fill=INK)
            y += int(SUMMARY_SIZE * 1.4)

    draw.rectangle((0, HEIGHT - BAND_HEIGHT, WIDTH, HEIGHT), fill=BAND)
    footer_line = _lines_fit(footer, font=footer_font, width=text_width, max_lines=1)
    if footer_line:
        draw.text((MARGIN, HEIGHT - BAND_HEIGHT // 2), footer_line[0], font=footer_font, fill=BAND_INK, anchor="lm")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def og_image_for_campaign(*, campaign: Campaign, language: str, footer: str) -> tuple[bytes, str]:
    """The card of a campaign as localised for the reader, and its ETag; drawn only when its text changed."""
    content = "\x1f".join((campaign.title, campaign.summary, footer, language))
    digest = hashlib.sha256(content.encode()).hexdigest()[:24]
    key = f"sharing:og-image:{campaign.pk}:{digest}"
    png = cache.get(key)
    if png is None:
        png = og_image_render(title=campaign.title, summary=campaign.summary, footer=footer)
        cache.set(key, png, timeout=settings.SHARING_OG_IMAGE_CACHE_SECONDS)
    return png, digest
