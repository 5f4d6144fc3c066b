"""Photos of past events: checked by content, re-encoded without metadata, served only for approved events."""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image, PngImagePlugin

from events.images import image_reencode
from events.models import EventPhoto, EventStatus
from events.services import event_photo_add
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_exif(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "Firmware 1.0 owned by Jana Novakova"  # Software
    exif.get_ifd(GPS_IFD)[2] = (50.0, 5.0, 0.0)  # GPSLatitude
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, comment=b"taken at home")
    return output.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jana Novakova")
    output = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 0, 255, 128)).save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def test_exif_and_comments_are_stripped_from_jpeg():
    original = jpeg_with_exif()
    assert b"SecretCam" in original

    clean = image_reencode(data=original, max_bytes=10_000_000, max_side=2000)

    assert clean.content_type == "image/jpeg"
    assert b"SecretCam" not in clean.content and b"Jana" not in clean.content and b"Exif" not in clean.content
    reread = Image.open(io.BytesIO(clean.content))
    assert dict(reread.getexif()) == {} and "comment" not in reread.info
    assert reread.size == (64, 48)


def test_png_text_chunks_are_stripped():
    clean = image_reencode(data=png_with_text(), max_bytes=10_000_000, max_side=2000)

    assert clean.content_type == "image/png"
    assert b"Jana" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).mode == "RGBA"


def test_large_photos_are_scaled_down():
    clean = image_reencode(data=jpeg_with_exif(size=(3000, 1500)), max_bytes=10_000_000, max_side=1000)

    assert (clean.width, clean.height) == (1000, 500)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a photo", "Only JPEG and PNG"),
        (b"GIF89a" + b"\x00" * 40, "Only JPEG and PNG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "Only JPEG and PNG"),
        (jpeg_with_exif()[:200], "damaged"),
        (b"", "Only JPEG and PNG"),
    ],
)
def test_anything_but_a_whole_jpeg_or_png_is_refused(data, message):
    with pytest.raises(ValidationError) as refusal:
        image_reencode(data=data, max_bytes=10_000_000, max_side=2000)

    assert message in refusal.value.messages[0]


def test_a_gif_named_jpg_is_refused_by_its_content():
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")

    with pytest.raises(ValidationError, match="Only JPEG and PNG"):
        image_reencode(data=gif.getvalue(), max_bytes=10_000_000, max_side=2000)


def test_oversized_uploads_are_refused():
    with pytest.raises(ValidationError, match="too large"):
        image_reencode(data=jpeg_with_exif(), max_bytes=100, max_side=2000)


def test_a_photo_is_served_for_approved_events_only(client, campaign, prague):
    event = EventFactory(campaign=campaign, office=prague)
    photo = event_photo_add(event=event, data=jpeg_with_exif(), caption="The crowd")
    url = reverse("events:event_photo", args=[photo.pk])

    served = client.get(url)
    body = b"".join(served.streaming_content)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"SecretCam" not in body
    assert not photo.image.name.endswith("jpeg_with_exif.jpg")

    event.status = EventStatus.PROPOSED
    event.save()
    assert client.get(url).status_code == 404


def test_an_organiser_uploads_a_photo_in_the_admin(client, organiser_cz, campaign, prague):
    event = EventFactory(campaign=campaign, office=prague)
    client.force_login(organiser_cz)
    url = reverse("admin:events_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    local, local_end = event.starts_local, event.ends_local
    data = {
        **{name: value for name, value in form.initial.items() if value is not None},
        "campaign": campaign.pk,
        "office": prague.pk,
        "starts_at_0": f"{local:%Y-%m-%d}",
        "starts_at_1": f"{local:%H:%M:%S}",
        "ends_at_0": f"{local_end:%Y-%m-%d}",
        "ends_at_1": f"{local_end:%H:%M:%S}",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-caption": "At the gate",
    }

    refused = client.post(
        url, {**data, "photos-0-image": SimpleUploadedFile("photo.jpg", b"%PDF-1.4 pretending", "image/jpeg")}
    )
    saved = client.post(url, {**data, "photos-0-image": SimpleUploadedFile("x.png", jpeg_with_exif(), "image/png")})

    assert refused.status_code == 200 and "Only JPEG and PNG photos are accepted." in refused.content.decode()
    assert saved.status_code == 302
    photo = EventPhoto.objects.get()
    assert photo.content_type == "image/jpeg" and photo.caption == "At the gate"
    with photo.image.open("rb") as stored:
        assert b"SecretCam" not in stored.read()
    page = client.get(url).content.decode()
    assert "/media/" not in page
