"""Posters per campaign, country and language, with a QR code that opens the letter form, and a short link."""

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from campaign.models import Campaign
from posters.models import ShortLink
from tests.factories import VerifiedOfficeFactory

pytestmark = pytest.mark.django_db

POINTS_PER_MM = 72 / 25.4


@pytest.fixture
def sample(settings):
    settings.SITE_URL = "https://letters.example"
    VerifiedOfficeFactory(host_country="CZ", city="Praha", name="Embassy of Ukraine in the Czech Republic")
    call_command("load_sample_campaign")
    return Campaign.objects.get(slug="law-13673")


def _poster(client, campaign, *, language="cs", cc="cz", size="a4"):
    with translation.override(language):
        url = reverse("posters:poster_pdf", kwargs={"slug": campaign.slug, "cc": cc, "size": size})
    return client.get(url)


def _qr_texts(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=2).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("size, width_mm, height_mm", [("a4", 210, 297), ("a3", 297, 420)])
def test_a_poster_is_a_pdf_of_its_size_in_the_page_language(client, sample, size, width_mm, height_mm):
    response = _poster(client, sample, size=size)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert round(float(box.width) / POINTS_PER_MM) == width_mm and round(float(box.height) / POINTS_PER_MM) == height_mm
    text = reader.pages[0].extract_text()
    czech_title = sample.translations.get(language="cs").title
    assert czech_title.split()[0] in text
    assert "Česk" in text  # the country, named in Czech
    assert "https://letters.example/q/" in text


def test_the_qr_code_decodes_to_the_letter_form_for_that_country_and_language(client, sample):
    assert _qr_texts(_poster(client, sample, language="de").content) == ["https://letters.example/de/c/law-13673/cz/"]


def test_the_short_link_printed_on_the_poster_opens_the_same_form_and_stays_the_same(client, sample):
    _poster(client, sample, language="uk")
    _poster(client, sample, language="uk", size="a3")

    link = ShortLink.objects.get()
    assert link.target_path == "/uk/c/law-13673/cz/"
    response = client.get(f"/q/{link.code}")
    assert response.status_code == 302 and response["Location"] == "/uk/c/law-13673/cz/"
    assert client.get(f"/q/{link.code.upper()}").status_code == 302  # typed from paper in capitals
    assert client.get("/q/nosuch").status_code == 404


@pytest.mark.parametrize("cc, size", [("pl", "a4"), ("cz", "a5"), ("<script>", "a4"), ("cz", "a4%00")])
def test_unknown_countries_and_sizes_are_not_found(client, sample, cc, size):
    assert _poster(client, sample, cc=cc, size=size).status_code == 404


def test_the_posters_page_links_every_country_and_size(client, sample):
    with translation.override("fr"):
        url = reverse("posters:poster_list", kwargs={"slug": sample.slug})
    page = client.get(url).content.decode()

    assert 'href="/fr/posters/law-13673/cz/poster-a4.pdf"' in page
    assert 'href="/fr/posters/law-13673/cz/poster-a3.pdf"' in page


def test_a_closed_campaign_has_no_posters(client, sample):
    Campaign.objects.filter(pk=sample.pk).update(is_open=False)

    assert _poster(client, sample).status_code == 404
