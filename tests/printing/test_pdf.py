"""The letter PDF itself: layout content per office, glyphs, metadata, and the static-only fetcher."""

import datetime
import io

import pytest
from pypdf import PdfReader

from campaign.rendering import letter_drafts_render
from printing.batch_contents import print_letters_from_drafts
from printing.pdf.documents import AddressLabel, PrintLetter, document_html, letters_pdf_write, pdf_engine

from .conftest import GLYPHS, pdf_pages_text


def print_letters(*, template, offices, name="Jana Nováková", city="Brno"):
    drafts = letter_drafts_render(
        template=template,
        offices=offices,
        supporter_name=name,
        supporter_city=city,
        on_date=datetime.date(2026, 11, 24),
    )
    return print_letters_from_drafts(drafts=drafts, sender_name=name, sender_city=city, sender_country="")


def render(letters, *, paper="a4", language="en") -> bytes:
    output = io.BytesIO()
    letters_pdf_write(letters=letters, target=output, title="Protest letters", language=language, paper=paper)
    return output.getvalue()


@pytest.mark.django_db
def test_one_page_per_office_each_with_its_own_address_and_salutation(template, czech_offices):
    data = render(print_letters(template=template, offices=czech_offices))
    pages = pdf_pages_text(data)

    assert len(pages) == 3
    expected = [
        ("Embassy of Ukraine in the Czech Republic", "Charlese de Gaulla 29", "160 00 Praha 6", "Dear Ambassador,"),
        ("Consulate of Ukraine in Brno", "Kounicova 19", "602 00 Brno", "Dear Consul,"),
        ("Honorary Consulate of Ukraine in Ostrava", "Nádražní 1", "702 00 Ostrava", "Dear Honorary Consul,"),
    ]
    for page, (name, street, city_line, salutation) in zip(pages, expected, strict=True):
        for text in (name, street, city_line, "CZECHIA", salutation, "Jana Nováková", "Yours sincerely,"):
            assert text in page, (text, page)
    assert "Dear Consul," not in pages[0]


@pytest.mark.django_db
def test_latin_diacritics_cyrillic_and_typographic_punctuation_render(template, print_campaign, czech_offices):
    latin = pdf_pages_text(render(print_letters(template=template, offices=czech_offices[:1])))[0]
    for glyph in GLYPHS.split():
        assert glyph in latin, glyph

    ukrainian = print_campaign.templates.get(language="uk")
    cyrillic = pdf_pages_text(render(print_letters(template=ukrainian, offices=czech_offices[:1]), language="uk"))[0]
    for word in ("Протест проти закону", "її, єдність, ґанок", "З повагою,"):
        assert word in cyrillic


@pytest.mark.django_db
def test_long_letter_flows_onto_a_second_page(template, czech_offices):
    letters = print_letters(template=template, offices=czech_offices[:2])
    long_body = letters[0].letter.body + "\n\n" + "\n\n".join(["A further paragraph of concern. " * 12] * 8)
    long_letter = PrintLetter(
        **{
            **letters[0].__dict__,
            "letter": letters[0].letter.__class__(**{**letters[0].letter.__dict__, "body": long_body}),
        }
    )

    pages = pdf_pages_text(render([long_letter, letters[1]]))

    assert len(pages) == 3
    assert "Jana Nováková" in pages[1] and "Consulate of Ukraine in Brno" in pages[2]


@pytest.mark.django_db
def test_title_language_tags_and_paper_size(template, czech_offices):
    letters = print_letters(template=template, offices=czech_offices[:1])
    a4 = PdfReader(io.BytesIO(render(letters)))
    us_letter = PdfReader(io.BytesIO(render(letters, paper="letter")))

    assert a4.metadata.title == "Protest letters"
    assert str(a4.trailer["/Root"]["/Lang"]) == "en"
    assert "/StructTreeRoot" in a4.trailer["/Root"]  # tagged for screen readers
    width, height = (float(value) for value in a4.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    width, height = (float(value) for value in us_letter.pages[0].mediabox[2:])
    assert (round(width / 72, 1), round(height / 72, 1)) == (8.5, 11.0)


@pytest.mark.django_db
def test_fonts_come_from_the_projects_static_files(template, czech_offices):
    reader = PdfReader(io.BytesIO(render(print_letters(template=template, offices=czech_offices[:1]))))
    font_names = {
        str(font["/BaseFont"])
        for font in (
            reader.pages[0]["/Resources"]["/Font"][key].get_object() for key in reader.pages[0]["/Resources"]["/Font"]
        )
    }
    # The @font-face families of static/css/print.css: a system font would carry its own name.
    assert any(name.endswith("+Letter-Serif") for name in font_names), font_names
    assert any(name.endswith("+Letter-Sans") for name in font_names), font_names


@pytest.mark.django_db
def test_fetcher_refuses_the_network_and_files_outside_static(tmp_path, template, czech_offices):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not really")
    engine = pdf_engine()
    engine.fetcher.refused.clear()
    html = document_html(
        title="t", language="en", paper="a4", letters=print_letters(template=template, offices=czech_offices[:1])
    ).replace(
        "</body>",
        f'<img src="http://example.org/x.png"><img src="{secret.as_uri()}">'
        '<img src="file:///etc/passwd"><img src="../../../etc/hostname"></body>',
    )
    engine.write(html=html, target=io.BytesIO(), tagged=False)

    refused = engine.fetcher.refused
    assert "http://example.org/x.png" in refused
    assert secret.as_uri() in refused
    assert "file:///etc/passwd" in refused
    assert any(url.endswith("/etc/hostname") for url in refused)
    assert engine.fetcher.allowed_path(engine.base_url + "../fonts/NotoSerif-Regular.ttf") is not None


@pytest.mark.django_db
def test_label_sheets_hold_24_labels_each(template, czech_offices):
    labels = [AddressLabel(name=f"Office {number:02d}", lines=("Street 1", "100 00 City")) for number in range(30)]
    output = io.BytesIO()
    pdf_engine().write(html=document_html(title="t", language="en", paper="a4", labels=labels), target=output)

    pages = pdf_pages_text(output.getvalue())
    assert len(pages) == 2
    assert pages[0].count("Street 1") == 24 and pages[1].count("Street 1") == 6
    assert "Office 23" in pages[0] and "Office 24" in pages[1]
