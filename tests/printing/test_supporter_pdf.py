"""A supporter who chose to print downloads a PDF: no email needed, nothing personal stored."""

import datetime
import io

from django.urls import reverse

import pytest
from pypdf import PdfReader

from campaign.models import ContactChannel, ContactEvent, Submission
from embassies.models import Office
from printing.models import Batch, Signer

from .conftest import GLYPHS, pdf_pages_text


def test_valid_form_downloads_one_letter_per_office_and_counts_pdf_contacts(post_letter, print_offices):
    response = post_letter()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pages = pdf_pages_text(response.content)
    assert len(pages) == 2
    assert "Embassy of Ukraine in the Czech Republic" in pages[0] and "Dear Ambassador," in pages[0]
    assert "Honorary Consulate of Ukraine in Ostrava" in pages[1] and "Dear Honorary Consul," in pages[1]
    assert all("My neighbour fled the draft" in page and "Jana Nováková" in page for page in pages)
    assert all(glyph in pages[0] for glyph in GLYPHS.split())
    events = ContactEvent.objects.filter(channel=ContactChannel.PDF)
    assert sorted(event.office_id for event in events) == sorted(
        [print_offices["embassy"].pk, print_offices["honorary"].pk]
    )


def test_nothing_personal_is_stored(post_letter):
    post_letter()

    assert not Submission.objects.exists()
    assert not Batch.objects.exists() and not Signer.objects.exists()
    assert ContactEvent.objects.count() == 2


def test_us_letter_paper(post_letter):
    response = post_letter(paper="letter")

    width = float(PdfReader(io.BytesIO(response.content)).pages[0].mediabox.width)
    assert round(width / 72, 1) == 8.5


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "This field is required."),
        ({"offices": []}, "Choose at least one office."),
        ({"language": "xx"}, "The campaign has no letter in this language."),
        ({"paper": "a3"}, "Select a valid choice."),
    ],
)
def test_invalid_form_shows_errors_not_a_pdf(post_letter, overrides, message):
    response = post_letter(**overrides)

    page = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in page
    assert "My neighbour fled the draft" in page  # the letter page comes back with what they wrote
    assert reverse("printing:supporter_pdf", kwargs={"slug": "law-13673", "cc": "cz"}) in page
    assert not ContactEvent.objects.exists()


def test_an_office_of_another_country_is_refused(post_letter, print_offices):
    response = post_letter(offices=[str(print_offices["poland"].pk)])

    assert response.status_code == 400
    assert not ContactEvent.objects.exists()


def test_only_post_and_only_open_campaigns(client, print_campaign, post_letter):
    url = reverse("printing:supporter_pdf", kwargs={"slug": print_campaign.slug, "cc": "cz"})
    assert client.get(url).status_code == 405
    print_campaign.is_open = False
    print_campaign.save()
    assert post_letter().status_code == 404


def test_too_many_pdfs_from_one_address_are_refused_politely(post_letter, settings):
    settings.RATE_LIMIT_PDFS_PER_IP = 1

    assert post_letter().status_code == 200
    response = post_letter()

    assert response.status_code == 429 and "Please wait a while" in response.content.decode()
    assert ContactEvent.objects.count() == 2  # only the first download counted


def test_a_campaign_past_its_end_date_prints_nothing(print_campaign, post_letter):
    print_campaign.ends_on = datetime.date.today() - datetime.timedelta(days=1)
    print_campaign.save(update_fields=["ends_on"])

    assert post_letter().status_code == 404
    assert not ContactEvent.objects.filter(channel=ContactChannel.PDF).exists()


def test_offices_without_a_street_address_are_not_printed_and_say_why(client, post_letter, print_offices):
    Office.objects.filter(pk=print_offices["honorary"].pk).update(street_lines="")

    page = client.get(reverse("campaign:letter_form", args=["law-13673", "cz"])).content.decode()
    assert "no street address: not for printing" in page
    response = post_letter()

    assert response.status_code == 400
    assert "We do not have a postal address for Honorary Consulate of Ukraine in Ostrava" in response.content.decode()
    assert not ContactEvent.objects.exists()
    directory = client.get(reverse("embassies:country_detail", args=["cz"])).content.decode()
    assert "Needs a street address" in directory


def test_a_supporters_letter_inside_the_country_has_no_country_line(post_letter, print_offices):
    pages = pdf_pages_text(post_letter(offices=[str(print_offices["embassy"].pk)]).content)

    lines = [line.strip() for line in pages[0].splitlines()]
    after_town = lines[lines.index("160 00 Praha 6") + 1]
    assert after_town.upper() not in {"CZECHIA", "CZECH REPUBLIC", "ČESKO"}


def test_a_domestic_address_has_no_country_line_and_a_foreign_one_has(print_offices):
    office = print_offices["embassy"]
    assert office.postal_address_lines_from(sender_country="CZ")[-1] == "160 00 Praha 6"
    assert office.postal_address_lines_from(sender_country="PL")[-1] == str(office.host_country.name).upper()
    assert office.postal_address_lines[-1] == str(office.host_country.name).upper()  # the directory shows it
