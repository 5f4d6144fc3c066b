"""How the letter PDF is laid out: emoji glyphs, long words, page 2 and later, and the batch's shared layouts."""

import datetime
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import MarginBox

from campaign.rendering import letter_drafts_render
from printing.batch_contents import print_letters_from_drafts
from printing.pdf.batch import batch_pdf_write, batch_plan
from printing.pdf.documents import CoverSheet, document_html, letters_pdf_write, pdf_engine, stylesheet_path

from .conftest import pdf_pages_text

EMOJI = ("🕊", "🌻", "✊", "🏙")
ON_DATE = datetime.date(2026, 11, 24)


def print_letters(*, template, offices, name="Jana Nováková", city="Brno", personal_paragraph="", body=None):
    drafts = letter_drafts_render(
        template=template,
        offices=offices,
        supporter_name=name,
        supporter_city=city,
        on_date=ON_DATE,
        body=body,
        personal_paragraph=personal_paragraph,
    )
    return print_letters_from_drafts(drafts=drafts, sender_name=name, sender_city=city, sender_country="")


def render(letters, *, language="en") -> bytes:
    output = io.BytesIO()
    letters_pdf_write(letters=letters, target=output, title="Protest letters", language=language, paper="a4")
    return output.getvalue()


def page_font_names(data: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    fonts = page["/Resources"]["/Font"]
    return {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}


@pytest.mark.django_db
def test_emoji_in_name_city_and_paragraphs_print_with_the_bundled_emoji_font(template, czech_offices):
    letters = print_letters(
        template=template,
        offices=czech_offices[:1],
        name="Jana 🌻 Nováková",
        city="Brno 🏙",
        personal_paragraph="Peace now ✊ and 🕊 for everyone.",
    )

    data = render(letters)

    text = pdf_pages_text(data)[0]
    # An emoji without a glyph is drawn as .notdef, which extracts as some other character, not the emoji.
    for emoji in EMOJI:
        assert emoji in text, emoji
    assert text.count("🌻") >= 3  # header, return address, signature
    assert any(name.endswith("+Letter-Emoji") for name in page_font_names(data))


def overflowing_boxes(html: str, *, stylesheet: CSS) -> list[str]:
    """Boxes whose right edge lies past the right edge of their page's content area."""
    engine = pdf_engine()
    document = HTML(string=html, base_url=engine.base_url, url_fetcher=engine.fetcher).render(
        stylesheets=[stylesheet], font_config=engine.font_config
    )
    found = []
    for page in document.pages:
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        content = [box for root in page_box.children if not isinstance(root, MarginBox) for box in root.descendants()]
        for box in content:
            if getattr(box, "width", None) is None or box.position_x is None:
                continue
            if box.position_x + box.margin_width() > right + 0.5:
                found.append(f"{type(box).__name__} {getattr(box, 'text', '')[:20]!r}")
    return found


@pytest.mark.django_db
def test_a_long_unbroken_word_and_a_long_name_wrap_inside_the_page(template, czech_offices):
    letters = print_letters(
        template=template,
        offices=czech_offices[:1],
        name="N" * 100,
        city="Brno",
        personal_paragraph="x" * 2000,
        body="{salutation},\n\n" + "y" * 2000,
    )
    html = document_html(title="t", language="en", paper="a4", letters=letters)
    stylesheet_text = Path(stylesheet_path()).read_text(encoding="utf-8")
    without_fix = stylesheet_text.replace("overflow-wrap: anywhere;", "")
    assert without_fix != stylesheet_text
    engine = pdf_engine()

    assert overflowing_boxes(html, stylesheet=engine.stylesheet) == []
    # The check itself: without the stylesheet's wrapping rule the same letter runs off the page.
    unwrapped = CSS(string=without_fix, base_url=engine.base_url, url_fetcher=engine.fetcher)
    assert overflowing_boxes(html, stylesheet=unwrapped)


def long_ukrainian_letters(*, print_campaign, offices):
    ukrainian = print_campaign.templates.get(language="uk")
    paragraph = "Ми просимо вас передати наші занепокоєння уряду України та Верховній Раді. " * 9
    body = ukrainian.body + "\n\n" + "\n\n".join([paragraph] * 6)
    return print_letters(template=ukrainian, offices=offices, name="Оксана Петренко", city="Прага", body=body)


@pytest.mark.django_db
def test_page_two_carries_a_running_head_and_page_numbers_that_restart_per_letter(print_campaign, czech_offices):
    letters = long_ukrainian_letters(print_campaign=print_campaign, offices=czech_offices[:2])

    pages = pdf_pages_text(render(letters, language="uk"))

    assert len(pages) == 4, "each letter runs to two pages"
    first, second, third, fourth = pages
    for continuation in (second, fourth):
        assert "Оксана Петренко · Протест проти закону № 13673" in continuation
        assert re.search(r"\b2 / 2\b", continuation)
    for opening in (first, third):
        assert not re.search(r"\d / 2\b", opening), "a letter's first page keeps its normal look"
        assert "Оксана Петренко · Протест" not in opening
    assert "Consulate of Ukraine in Brno" in third  # the second letter starts on a page of its own


@pytest.mark.django_db
def test_the_closing_and_signature_do_not_stand_alone_on_a_new_page(print_campaign, czech_offices):
    letters = long_ukrainian_letters(print_campaign=print_campaign, offices=czech_offices[:1])

    pages = pdf_pages_text(render(letters, language="uk"))

    last = pages[-1]
    assert "З повагою," in last
    assert "Ми просимо вас" in last


def page_lines(pages: list[str]) -> list[list[str]]:
    # Drawn-over text (addresses, signatures) comes last in the page's content stream: compare lines, not order.
    return [sorted(line.strip() for line in page.splitlines() if line.strip()) for page in pages]


@pytest.mark.django_db
def test_a_batch_with_a_per_signer_body_shares_layouts_and_matches_the_single_letters(
    tmp_path, template, print_offices
):
    """{supporter_name} in the body: one layout per signer (and salutation), the addresses drawn over it.
    The group has no city, so the place line is the signer's: it must stay as in the single letters."""
    offices = [print_offices["embassy"], print_offices["poland"], print_offices["consulate"]]
    body = "{salutation},\n\nI, {supporter_name}, write to you from {supporter_city} about Law No. 13673."
    signers = [("Anna Dvořáková", "Praha"), ("Łukasz Wróbel", "Brno"), ("Jürgen Groß", "")]
    letters = []
    for office in offices:
        for name, city in signers:
            drafts = letter_drafts_render(
                template=template,
                offices=[office],
                supporter_name=name,
                supporter_city=city,
                on_date=ON_DATE,
                body=body,
            )
            letters.extend(
                print_letters_from_drafts(
                    drafts=drafts, sender_name="Antimilitarists", sender_city="", sender_country=""
                )
            )

    plan = batch_plan(letters)
    # The embassies in Czechia and Poland share each signer's text; the consulate's salutation differs.
    assert len(plan.bases) == 6 and sum(plan.addressed) == 6

    output = tmp_path / "batch.pdf"
    pages = batch_pdf_write(
        letters=letters,
        cover=CoverSheet(context={"heading": "Batch", "rows": [], "total": len(letters)}),
        labels=[],
        target=output,
        title="t",
        language="en",
        paper="a4",
        workers=1,
        chunk_size=4,
    )
    batch = pdf_pages_text(output.read_bytes())[1:]
    singles = [pdf_pages_text(render([letter]))[0] for letter in letters]

    assert pages == 1 + len(letters)
    assert page_lines(batch) == page_lines(singles)
    assert "I, Łukasz Wróbel, write to you from Brno" in batch[4]
    assert f"Praha, {letters[0].letter.date}" in batch[3] and "Embassy of Ukraine in Poland" in batch[3]
    assert f", {letters[0].letter.date}" not in batch[5]  # Jürgen gave no city: the date alone
