"""Organisers' own posters: PDF, PNG or JPEG by content, size-limited, pictures re-encoded without metadata."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import pytest
from PIL import Image
from pypdf import PdfWriter

from posters import files
from posters.models import PosterUpload

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    picture = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (50.0, 5.0, 0.0)}  # GPS latitude
    output = io.BytesIO()
    picture.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _upload(admin_client, campaign, name: str, content: bytes, *, language="cs"):
    return admin_client.post(
        reverse("admin:posters_posterupload_add"),
        {
            "campaign": campaign.pk,
            "language": language,
            "title": "Plakát",
            "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        },
    )


def test_a_photo_is_stored_without_its_metadata_whatever_its_name(admin_client, campaign):
    original = _jpeg_with_gps()
    assert b"SecretCam" in original

    response = _upload(admin_client, campaign, "holiday.pdf", original)

    assert response.status_code == 302
    upload = PosterUpload.objects.get()
    assert upload.kind == "jpeg" and upload.file.name.endswith(".jpeg") and "holiday" not in upload.file.name
    stored = upload.file.read()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.size == (40, 30) and not picture.getexif()


def test_a_pdf_is_accepted_and_listed_on_the_posters_page_in_its_language_first(client, admin_client, campaign):
    _upload(admin_client, campaign, "poster.pdf", _pdf(), language="de")
    _upload(admin_client, campaign, "plakat.png", _png(), language="cs")

    with translation.override("cs"):
        page = client.get(reverse("posters:poster_list", kwargs={"slug": campaign.slug})).content.decode()
    czech, german = PosterUpload.objects.get(language="cs"), PosterUpload.objects.get(language="de")
    assert page.index(f"/cs/posters/file/{czech.pk}/") < page.index(f"/cs/posters/file/{german.pk}/")
    download = client.get(f"/cs/posters/file/{german.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(output, format="PNG")
    return output.getvalue()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("poster.pdf", b"<html><script>alert(1)</script></html>", "Only PDF, PNG and JPEG files are accepted."),
        ("poster.png", b"GIF89a" + b"\x00" * 20, "Only PDF, PNG and JPEG files are accepted."),
        ("poster.pdf", b"%PDF-1.7\nnot really", "cannot be read as one"),
    ],
)
def test_anything_else_is_refused_with_a_reason(admin_client, campaign, name, content, message):
    response = _upload(admin_client, campaign, name, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PosterUpload.objects.exists()


def test_a_file_over_the_limit_is_refused(admin_client, campaign, monkeypatch):
    monkeypatch.setattr(files, "POSTER_BYTES_MAX", 100)

    response = _upload(admin_client, campaign, "poster.pdf", _pdf())

    assert "The file is larger than 100\xa0bytes." in response.content.decode()
    assert not PosterUpload.objects.exists()


def test_an_unknown_upload_is_not_found(client):
    assert client.get("/en/posters/file/999999999999999999999/").status_code == 404
