"""A campaign's accent colour and image: set in the admin, checked, and shown on its pages without metadata."""

import base64
import io
import re

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

import pytest
from PIL import Image

from campaign.identity import accent_text_colour, colour_contrast
from campaign.models import Campaign
from tests.factories import CampaignFactory, LetterTemplateFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
CAMERA_MAKE = 0x010F


def jpeg_with_exif(*, size: tuple[int, int] = (2400, 1200)) -> bytes:
    image = Image.new("RGB", size, (31, 78, 121))
    exif = Image.Exif()
    exif[CAMERA_MAKE] = "SpyCam 3000"
    exif[GPS_IFD] = {1: "N", 2: (50.0, 5.0, 0.0)}
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif.tobytes(), quality=90)
    return output.getvalue()


def png_bytes(*, text: str = "") -> bytes:
    from PIL.PngImagePlugin import PngInfo  # noqa: PLC0415 - only this helper writes PNG text chunks

    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    output = io.BytesIO()
    Image.new("RGBA", (40, 20), (200, 10, 10, 128)).save(output, "PNG", pnginfo=info)
    return output.getvalue()


def admin_post_data(campaign: Campaign, **changes) -> dict:
    data = {key: value for key, value in model_to_dict(campaign).items() if value is not None and key != "image"}
    data.update(
        {
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
            "templates-TOTAL_FORMS": "0",
            "templates-INITIAL_FORMS": "0",
        }
    )
    data.update(changes)
    return data


def change_url(campaign: Campaign) -> str:
    return reverse("admin:campaign_campaign_change", args=[campaign.pk])


def test_the_admin_saves_an_accent_colour_and_an_image_without_its_exif(admin_client):
    campaign = CampaignFactory()
    upload = SimpleUploadedFile("holiday.jpeg", jpeg_with_exif(), content_type="image/jpeg")

    response = admin_client.post(change_url(campaign), admin_post_data(campaign, accent_colour="#1f4e79", image=upload))

    assert response.status_code == 302, response.content.decode()[:3000]
    campaign.refresh_from_db()
    assert campaign.accent_colour == "#1f4e79"
    assert campaign.image.name.startswith("campaign-images/") and campaign.image.name.endswith(".jpg")
    stored = default_storage.open(campaign.image.name).read()
    assert b"Exif" not in stored and b"SpyCam" not in stored
    reread = Image.open(io.BytesIO(stored))
    assert reread.format == "JPEG"
    assert dict(reread.getexif()) == {}
    assert max(reread.size) == 1200 and reread.size == (1200, 600)


def test_a_png_keeps_its_transparency_and_loses_its_text_chunks(admin_client):
    campaign = CampaignFactory()
    upload = SimpleUploadedFile("logo.png", png_bytes(text="made by Jana at home"), content_type="image/png")

    response = admin_client.post(change_url(campaign), admin_post_data(campaign, image=upload))

    assert response.status_code == 302
    campaign.refresh_from_db()
    stored = default_storage.open(campaign.image.name).read()
    assert b"made by Jana" not in stored
    reread = Image.open(io.BytesIO(stored))
    assert reread.format == "PNG" and reread.mode == "RGBA" and reread.text == {}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("picture.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "This file is not a PNG or JPEG image we can read."),
        (
            "picture.jpg",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "This file is not a PNG or JPEG image we can read.",
        ),
        ("truncated.jpg", jpeg_with_exif()[:400], "This file is not a PNG or JPEG image we can read."),
    ],
)
def test_the_admin_refuses_what_is_not_a_png_or_jpeg_with_a_clear_error(admin_client, name, content, message):
    campaign = CampaignFactory()

    response = admin_client.post(
        change_url(campaign), admin_post_data(campaign, image=SimpleUploadedFile(name, content))
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    campaign.refresh_from_db()
    assert not campaign.image


def test_a_gif_is_refused_as_a_format_we_do_not_take(admin_client):
    campaign = CampaignFactory()
    output = io.BytesIO()
    Image.new("RGB", (10, 10)).save(output, "GIF")

    response = admin_client.post(
        change_url(campaign), admin_post_data(campaign, image=SimpleUploadedFile("x.png", output.getvalue()))
    )

    assert "Only PNG and JPEG images are accepted." in response.content.decode()


def test_an_oversized_upload_is_refused(admin_client):
    campaign = CampaignFactory()
    huge = jpeg_with_exif(size=(10, 10)) + b"\0" * (5 * 1024 * 1024)

    response = admin_client.post(
        change_url(campaign), admin_post_data(campaign, image=SimpleUploadedFile("big.jpg", huge))
    )

    assert "The image is larger than 5 MB." in response.content.decode()


@pytest.mark.parametrize("colour", ["red", "#12345", "#1f4e79;}body{display:none", "#1f4e7g", "1f4e79"])
def test_the_admin_refuses_a_colour_that_is_not_hex(admin_client, colour):
    campaign = CampaignFactory()

    response = admin_client.post(change_url(campaign), admin_post_data(campaign, accent_colour=colour))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Write the colour as # and six hex digits" in page or "at most 7 characters" in page
    campaign.refresh_from_db()
    assert campaign.accent_colour == ""


def campaign_with_offices(**fields) -> Campaign:
    campaign = CampaignFactory(**fields)
    LetterTemplateFactory(campaign=campaign, language="en")
    VerifiedOfficeFactory(host_country="CZ")
    return campaign


@pytest.mark.parametrize(("accent", "text"), [("#1f4e79", "#ffffff"), ("#ffd700", "#000000"), ("#777777", "#000000")])
def test_the_accent_colour_is_a_custom_property_of_the_page_with_a_readable_text_colour(client, accent, text):
    campaign = campaign_with_offices(accent_colour=accent)

    for url in (
        reverse("campaign:campaign_detail", args=[campaign.slug]),
        reverse("campaign:letter_form", args=[campaign.slug, "cz"]),
    ):
        response = client.get(url)
        page = response.content.decode()
        theme_url = reverse("campaign:campaign_theme", args=[campaign.slug])
        assert f'<link rel="stylesheet" href="{theme_url}">' in page, url
        # No inline style: the policy admits only the site's own stylesheets, so the colour is one of them.
        assert "<style" not in page and "nonce-" not in response["Content-Security-Policy"]
    theme = client.get(theme_url)
    css = theme.content.decode()
    assert theme["Content-Type"].startswith("text/css") and theme["Cache-Control"].startswith("public")
    assert f"--accent: {accent};" in css and f"--on-accent: {text};" in css
    assert colour_contrast(accent, text) >= 4.5


def test_without_an_accent_colour_the_page_keeps_the_sites_colours_and_no_inline_style(client):
    campaign = campaign_with_offices()

    response = client.get(reverse("campaign:campaign_detail", args=[campaign.slug]))

    assert "<style" not in response.content.decode()
    assert "theme.css" not in response.content.decode()


def test_a_colour_that_bypassed_validation_never_reaches_the_css(client):
    campaign = campaign_with_offices()
    Campaign.objects.filter(pk=campaign.pk).update(accent_colour="red;}a{")  # as long as the field allows

    page = client.get(reverse("campaign:campaign_detail", args=[campaign.slug])).content.decode()

    assert "<style" not in page and "theme.css" not in page
    assert client.get(reverse("campaign:campaign_theme", args=[campaign.slug])).content == b""


def test_every_accent_gets_a_text_colour_that_meets_aa():
    for red in range(0, 256, 17):
        for green in range(0, 256, 17):
            for blue in range(0, 256, 51):
                accent = f"#{red:02x}{green:02x}{blue:02x}"
                assert colour_contrast(accent, accent_text_colour(accent)) >= 4.5, accent


def test_the_image_shows_on_the_campaign_page_with_the_title_as_alt_text(admin_client, client):
    campaign = campaign_with_offices(title="Against Law No. 13673")
    upload = SimpleUploadedFile("a.jpg", jpeg_with_exif(size=(300, 200)), content_type="image/jpeg")
    assert admin_client.post(change_url(campaign), admin_post_data(campaign, image=upload)).status_code == 302
    campaign.refresh_from_db()

    page = client.get(reverse("campaign:campaign_detail", args=[campaign.slug])).content.decode()

    image = re.search(r'<img class="campaign-image" src="data:image/jpeg;base64,([^"]+)" alt="([^"]*)">', page)
    assert image and image.group(2) == "Against Law No. 13673"
    assert base64.b64decode(image.group(1)) == default_storage.open(campaign.image.name).read()
