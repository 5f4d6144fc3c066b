"""The one picture re-encoder: judged by content, no metadata kept, upright, bounded, and refusing with the
caller's own words, never with a 500."""

import io
import struct
import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile, PngImagePlugin

from campaign.identity import image_reencode as campaign_image_reencode
from common.images import PictureProblem, picture_reencode
from events.images import image_reencode as event_image_reencode
from posters.files import poster_file_check
from tests.fuzzing import FUZZ

CAMERA_MAKE = 0x010F
ORIENTATION = 0x0112
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
USER_COMMENT = 0x9286

# Each problem gets its own message and code, so a test can tell which one was chosen.
REFUSALS = {problem: ValidationError(f"refused: {problem.value}", code=problem.value) for problem in PictureProblem}
LIMITS = {"formats": ("PNG", "JPEG"), "max_bytes": 1_000_000, "max_pixels": 10_000_000, "refusals": REFUSALS}


def reencode(data: bytes, **changes):
    return picture_reencode(data=data, **{**LIMITS, **changes})


def refusal_code(data: bytes, **changes) -> str:
    with pytest.raises(ValidationError) as refused:
        reencode(data, **changes)
    assert refused.value.messages == [f"refused: {refused.value.code}"]
    return refused.value.code


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, format=kind, **options)
    return output.getvalue()


def jpeg_from_a_phone(*, size=(40, 20), orientation: int | None = None) -> bytes:
    """Left half red, right half blue, with a camera make, a GPS position and comments."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[CAMERA_MAKE] = "SpyCam 3000"
    exif.get_ifd(GPS_IFD)[2] = (50.0, 5.0, 0.0)  # GPSLatitude
    exif.get_ifd(EXIF_IFD)[USER_COMMENT] = b"ASCII\0\0\0taken at Jana's flat"
    if orientation:
        exif[ORIENTATION] = orientation
    return encoded(image, "JPEG", exif=exif, comment=b"near the embassy", quality=95)


def png_with_metadata(*, mode: str = "RGBA") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jana Novakova")
    info.add_itxt("Location", "Praha, Vinohrady")
    exif = Image.Exif()
    exif[CAMERA_MAKE] = "SpyCam 3000"
    image = Image.new(mode, (30, 20), (0, 0, 255, 128) if mode == "RGBA" else 3)
    return encoded(image, "PNG", pnginfo=info, exif=exif)


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header declaring a huge picture, followed by a few bytes of data: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header is rewritten to declare width × height."""
    data = bytearray(encoded(Image.new("RGB", (16, 16), "red"), "JPEG"))
    frame = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, frame + 5, height, width)
    return bytes(data)


def test_exif_gps_make_and_comments_are_gone_from_a_jpeg():
    original = jpeg_from_a_phone()
    assert b"SpyCam" in original and b"Exif" in original and b"near the embassy" in original

    picture = reencode(original)

    for secret in (b"SpyCam", b"Exif", b"near the embassy", b"Jana"):
        assert secret not in picture.content
    reread = Image.open(io.BytesIO(picture.content))
    assert reread.format == "JPEG" and picture.format == "JPEG" and picture.content_type == "image/jpeg"
    assert dict(reread.getexif()) == {} and reread.getexif().get_ifd(GPS_IFD) == {}
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(reread.info)


def test_text_chunks_and_exif_are_gone_from_a_png_and_its_transparency_stays():
    original = png_with_metadata()
    assert b"Jana" in original and b"SpyCam" in original

    picture = reencode(original)

    assert b"Jana" not in picture.content and b"Vinohrady" not in picture.content and b"SpyCam" not in picture.content
    reread = Image.open(io.BytesIO(picture.content))
    assert reread.format == "PNG" and picture.extension == "png"
    assert reread.mode == "RGBA" and reread.getpixel((0, 0)) == (0, 0, 255, 128)
    assert reread.text == {} and dict(reread.getexif()) == {}


def test_an_icc_profile_is_not_carried_over():
    original = encoded(Image.new("RGB", (8, 8), "green"), "JPEG", icc_profile=b"\0" * 128 + b"ProfileOfJanasPhone")

    picture = reencode(original)

    assert b"JanasPhone" not in picture.content
    assert "icc_profile" not in Image.open(io.BytesIO(picture.content)).info


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_the_orientation_tag_is_applied_to_the_pixels_before_it_is_dropped(kind):
    # 6: the camera was turned clockwise; shown upright, the red left half is on top.
    original = jpeg_from_a_phone(size=(40, 20), orientation=6)
    if kind == "PNG":
        exif = Image.Exif()
        exif[ORIENTATION] = 6
        original = encoded(Image.open(io.BytesIO(original)).convert("RGB"), "PNG", exif=exif)

    picture = reencode(original)

    reread = Image.open(io.BytesIO(picture.content)).convert("RGB")
    assert (picture.width, picture.height) == reread.size == (20, 40)
    assert ORIENTATION not in reread.getexif()
    top, bottom = reread.getpixel((10, 5)), reread.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_each_format_stays_its_own_and_is_scaled_to_fit_max_side():
    jpeg = reencode(jpeg_from_a_phone(size=(300, 100)), max_side=150)
    png = reencode(png_with_metadata(), max_side=15)
    full = reencode(jpeg_from_a_phone(size=(300, 100)))

    assert (jpeg.format, jpeg.width, jpeg.height) == ("JPEG", 150, 50)
    assert Image.open(io.BytesIO(jpeg.content)).size == (150, 50)
    assert (png.format, png.width, png.height) == ("PNG", 15, 10)
    assert (full.width, full.height) == (300, 100)


@pytest.mark.parametrize(
    ("mode", "kind", "expected"),
    [("P", "PNG", "RGB"), ("1", "PNG", "L"), ("I;16", "PNG", "RGB"), ("LA", "PNG", "RGBA"), ("CMYK", "JPEG", "RGB")],
)
def test_unusual_modes_come_out_as_plain_pixels(mode, kind, expected):
    picture = reencode(encoded(Image.new(mode, (12, 12)), kind))

    reread = Image.open(io.BytesIO(picture.content))
    assert reread.format == kind and reread.mode == expected


def test_a_palette_png_keeps_its_transparent_colour():
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(0, (0, 0, 5, 10))

    picture = reencode(encoded(image, "PNG", transparency=0))

    reread = Image.open(io.BytesIO(picture.content))
    assert reread.mode == "RGBA"
    assert reread.getpixel((0, 0))[3] == 0 and reread.getpixel((9, 0)) == (255, 0, 0, 255)


def test_a_png_named_jpg_and_a_text_file_named_png_are_judged_by_their_content():
    disguised = SimpleUploadedFile("holiday.jpg", png_with_metadata(), content_type="image/jpeg")
    notes = SimpleUploadedFile("poster.png", b"Meet at the embassy at 10.\n" * 20, content_type="image/png")

    picture = reencode(disguised.read())

    assert picture.format == "PNG" and picture.content_type == "image/png"
    assert refusal_code(notes.read()) == "not_a_picture"


def test_a_format_the_caller_does_not_take_is_refused_as_such():
    gif = encoded(Image.new("RGB", (10, 10)), "GIF")

    assert refusal_code(gif) == "wrong_format"
    assert refusal_code(png_with_metadata(), formats=("JPEG",)) == "wrong_format"
    assert reencode(jpeg_from_a_phone(), formats=("JPEG",)).format == "JPEG"


@pytest.mark.parametrize(
    "bomb",
    [
        png_declaring(4000, 3000),  # over the caller's limit, under Pillow's own
        png_declaring(10_000, 10_000),  # where Pillow only warns
        png_declaring(60_000, 60_000),  # where Pillow refuses
        jpeg_declaring(5000, 4000),
        jpeg_declaring(65_000, 65_000),
    ],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(bomb):
    assert len(bomb) < 2000

    assert refusal_code(bomb) == "too_many_pixels"
    assert refusal_code(bomb, max_pixels=1_000) == "too_many_pixels"


@pytest.mark.parametrize(
    ("check", "message", "code"),
    [
        (
            lambda data: campaign_image_reencode(data=data),
            "The image has too many pixels. Please upload a smaller one.",
            "image_refused",
        ),
        (
            lambda data: event_image_reencode(data=data, max_bytes=10**6, max_side=500),
            "This photo has too many pixels.",
            "too_many_pixels",
        ),
        (
            lambda data: poster_file_check(SimpleUploadedFile("bomb.png", data)),
            "The picture has too many pixels for a poster.",
            "too_many_pixels",
        ),
    ],
)
@pytest.mark.parametrize("bomb", [png_declaring(7000, 9000), png_declaring(60_000, 60_000)])
def test_each_caller_refuses_a_bomb_with_its_own_message(check, message, code, bomb):
    with pytest.raises(ValidationError) as refused:
        check(bomb)

    assert refused.value.messages == [message] and refused.value.code == code


def test_an_upload_over_the_size_limit_is_refused_before_it_is_opened():
    original = jpeg_from_a_phone()

    assert refusal_code(original, max_bytes=len(original) - 1) == "too_large"
    assert reencode(original, max_bytes=len(original)).format == "JPEG"


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_a_truncated_picture_is_refused_with_a_message(kind):
    whole = encoded(Image.effect_noise((200, 200), 60).convert("RGB"), kind)

    assert refusal_code(whole[: len(whole) // 2]) == "damaged"
    assert refusal_code(whole[:30]) in {"damaged", "not_a_picture"}


def test_a_truncated_picture_is_refused_even_where_pillow_was_told_to_load_them(monkeypatch):
    # WeasyPrint sets this process-wide when it is imported, as the web and worker processes do.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = encoded(Image.effect_noise((200, 200), 60).convert("RGB"), "JPEG")

    assert refusal_code(whole[: len(whole) // 2]) == "damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_the_caller_must_name_a_refusal_for_every_problem_and_only_formats_it_can_write():
    with pytest.raises(ValueError, match="refusal for every problem"):
        reencode(jpeg_from_a_phone(), refusals={PictureProblem.TOO_LARGE: REFUSALS[PictureProblem.TOO_LARGE]})
    with pytest.raises(ValueError, match="formats among PNG and JPEG"):
        reencode(jpeg_from_a_phone(), formats=("JPEG", "GIF"))


def test_a_refusal_is_a_fresh_copy_of_the_callers():
    first = second = None
    try:
        reencode(b"not a picture")
    except ValidationError as refused:
        first = refused
    try:
        reencode(b"not a picture either")
    except ValidationError as refused:
        second = refused

    assert first is not second and first is not REFUSALS[PictureProblem.NOT_A_PICTURE]
    assert first.messages == second.messages == ["refused: not_a_picture"]


SMALL_JPEG = encoded(Image.effect_noise((24, 16), 40).convert("RGB"), "JPEG")
SMALL_PNG = png_with_metadata()


def _damaged(original: bytes) -> st.SearchStrategy[bytes]:
    """The picture with some bytes overwritten, cut short, or both: deep in the decoders, not at the door."""
    return st.tuples(
        st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), max_size=8),
        st.integers(1, len(original)),
    ).map(lambda change: _apply(original, *change))


def _apply(original: bytes, writes: list[tuple[int, int]], length: int) -> bytes:
    data = bytearray(original)
    for position, value in writes:
        data[position] = value
    return bytes(data[:length])


HOSTILE_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM", b"II*\0", b"%PDF-"]).flatmap(
        lambda magic: st.binary(max_size=500).map(lambda rest: magic + rest)
    ),
    _damaged(SMALL_JPEG),
    _damaged(SMALL_PNG),
)


@settings(FUZZ, max_examples=300)
@given(data=HOSTILE_BYTES)
def test_any_bytes_give_a_clean_picture_or_a_documented_refusal(data):
    try:
        picture = reencode(data, max_pixels=1_000_000)
    except ValidationError as refused:
        assert refused.code in {problem.value for problem in PictureProblem}
        assert refused.messages == [f"refused: {refused.code}"]
    else:
        reread = Image.open(io.BytesIO(picture.content))
        reread.load()
        assert reread.format == picture.format in {"PNG", "JPEG"}
        assert reread.size == (picture.width, picture.height)
        assert b"SpyCam" not in picture.content and b"Jana" not in picture.content
