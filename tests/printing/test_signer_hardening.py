"""A signer list that cannot be read is a form error naming the line, never a 500: typed in or uploaded."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.cells import TEXT_CELL_MAX
from printing.models import Batch, SignerMode
from printing.signers import SignerRow, signers_csv_decode, signers_parse
from tests.test_no_server_errors import FUZZ, TEXT, answered

from . import test_pages

# The members' page fixtures, written once in test_pages.
group, member, batch_data = test_pages.group, test_pages.member, test_pages.batch_data

BATCH_NEW = reverse("printing:batch_new")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def upload_data(template, group, **overrides) -> dict:
    return batch_data(template, group, **{"signers_text": "", **overrides})


def messages_of(text: str) -> list[str]:
    with pytest.raises(ValidationError) as error:
        signers_parse(text)
    return error.value.messages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("Anna, Praha\nJ\x00an, Brno\n", "Line 2: the name contains a NUL byte.", id="nul-byte"),
        pytest.param(
            "Anna, Praha\nJan, Br\x07no\n", "Line 2: the city contains the control character U+0007.", id="bell"
        ),
        pytest.param(
            "Anna, Praha\n" + "x" * 150 + "\n",
            "Line 2: the name is longer than 100 characters (it has 150).",
            id="over-long-name",
        ),
        pytest.param(
            "Anna, Praha\nJan, Br\rno\n",
            "Line 2: a line break inside a cell that is not in double quotes.",
            id="bare-carriage-return",
        ),
        pytest.param(
            "Anna, " + "x" * 140_000 + "\n",
            f"Line 1: a cell is longer than {TEXT_CELL_MAX} characters.",
            id="beyond-the-csv-field-limit",
        ),
        pytest.param('"Anna\nNovák", Praha\n, Brno\n', "Line 3: the name is missing.", id="lines-not-records"),
    ],
)
def test_each_bad_line_is_named(text, message):
    assert messages_of(text) == [message]


def test_line_breaks_inside_quotes_are_spaces_in_a_name():
    assert signers_parse('"Anna\r\nNovák", Praha\n') == [SignerRow("Anna Novák", "Praha")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param("name\nDvořák\n".encode("cp1250"), "Line 2, column 4: the file is not UTF-8 text.", id="cp1250"),
        pytest.param("name\nAnna\n".encode("utf-16"), "Line 1, column 1: the file is not UTF-8 text.", id="utf-16"),
    ],
)
def test_wrong_encodings_name_the_line_and_the_way_out(data, message):
    with pytest.raises(ValidationError) as error:
        signers_csv_decode(data)

    assert error.value.messages == [f"{message} Save it from your spreadsheet as “CSV UTF-8” and upload it again."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(b"name,city\nAnna,Praha\nJ\x00an,Brno\n", "Line 3: the name contains a NUL byte.", id="nul"),
        pytest.param(b"Anna,Praha\nJan,Br\rno\n", "Line 2: a line break inside a cell", id="malformed"),
        pytest.param("Dvořák,Brno\n".encode("cp1250"), "Line 1, column 4: the file is not UTF-8 text.", id="cp1250"),
        pytest.param(b"Anna,Praha\n" + b"x" * 101 + b"\n", "Line 2: the name is longer than 100", id="long-name"),
    ],
)
def test_a_bad_upload_is_a_form_error_with_the_line(member_client, group, template, czech_offices, upload, message):
    csv_file = SimpleUploadedFile("signers.csv", upload, content_type="text/csv")

    response = member_client.post(BATCH_NEW, upload_data(template, group, signers_csv=csv_file))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["signers_csv"])
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_a_nul_byte_typed_in_is_named_by_its_line(member_client, group, template, czech_offices):
    response = member_client.post(BATCH_NEW, upload_data(template, group, signers_text="Anna, Praha\r\nJ\x00an"))

    assert response.status_code == 400
    assert response.context["form"].errors["signers_text"] == ["Line 2: the name contains a NUL byte."]


# Property: whatever a member types or uploads, the page answers with the form or the new batch, never 500.

LINES = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from(["name,city", "Anna, Praha", '"Novák, Jan", Brno', '"unterminated', "\x00", "\r", "a,b,c"]),
        st.builds(lambda size, char: char * size, st.sampled_from([101, TEXT_CELL_MAX + 1, 131_073]), st.just("x")),
    ),
    max_size=6,
).map("\n".join)
UPLOADS = st.one_of(
    st.none(),
    st.binary(max_size=300),
    LINES.map(lambda text: text.encode()),
    LINES.map(lambda text: text.encode("utf-16")),
)


@pytest.mark.django_db
@settings(FUZZ, max_examples=30)
@given(
    typed=st.one_of(st.just(""), LINES),
    upload=UPLOADS,
    mode=st.sampled_from([SignerMode.SIGNERS, SignerMode.SIGNERS, SignerMode.GROUP, SignerMode.HAND, "x"]),
)
def test_the_signer_upload_never_answers_500(member_client, group, template, czech_offices, typed, upload, mode):
    data = upload_data(template, group, signers_text=typed, signer_mode=mode)
    if upload is not None:
        data["signers_csv"] = SimpleUploadedFile("signers.csv", upload, content_type="text/csv")
    batches_before = Batch.objects.count()

    response = member_client.post(BATCH_NEW, data)

    status = answered(response)
    assert b"Traceback" not in response.content
    if status == 400:
        assert response.context["form"].errors
        assert Batch.objects.count() == batches_before
    else:
        assert status == 302 and Batch.objects.count() == batches_before + 1
