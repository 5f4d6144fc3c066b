"""Bad import files get a clear, line-numbered refusal, never a 500 or a traceback: `import_offices` and the admin."""

import csv
import io
import json
import tempfile
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections
from django.urls import reverse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from common.cells import TEXT_CELL_MAX
from embassies.directory_csv import COLUMNS
from embassies.models import Office
from tests.factories import OfficeFactory
from tests.test_no_server_errors import FUZZ, JSON_VALUES, TEXT, answered

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:embassies_office_import")
PROCESS_IMPORT = reverse("admin:embassies_office_process_import")
EXPORT = reverse("admin:embassies_office_export")
HEADER = "sending_country,host_country,kind,city,street_lines,source\n"
GOOD_ROW = "UA,CZ,embassy,Praha,Charlese de Gaulla 29,https://example.org\n"
CONFIRM_FIELDS = ("import_file_name", "original_file_name", "format", "resource", "sending_state", "ticket")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(monkeypatch, tmp_path):
    """The admin keeps each previewed file in the temporary folder until it is confirmed: keep them in the test's."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


def import_command(content: bytes, *args: str, filename: str = "offices.csv", folder: Path) -> str:
    path = folder / filename
    path.write_bytes(content)
    out = io.StringIO()
    call_command("import_offices", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# `import_offices`: a file it cannot read is a CommandError naming the line, and nothing is imported.


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            (HEADER + GOOD_ROW + "UA,CZ,consulate,Br\rno,,\n").encode(),
            "Line 3: a line break inside a cell that is not in double quotes.",
            id="bare-carriage-return",
        ),
        pytest.param(
            (HEADER + GOOD_ROW + "UA,CZ,consulate,Brno,," + "x" * 140_000 + "\n").encode(),
            f"Line 3: a cell is longer than {TEXT_CELL_MAX} characters.",
            id="beyond-the-csv-field-limit",
        ),
        pytest.param(
            (HEADER + GOOD_ROW).encode() + "UA,CZ,consulate,Plzeň,,\n".encode("cp1250"),
            "Line 3, column 21: the file is not UTF-8 text.",
            id="not-utf-8",
        ),
    ],
)
def test_an_unreadable_csv_is_refused_by_line_and_nothing_is_imported(tmp_path, content, message):
    with pytest.raises(CommandError) as error:
        import_command(content, folder=tmp_path)

    assert str(error.value) == message
    assert not Office.objects.exists()


def bindings(*results) -> bytes:
    return json.dumps({"head": {"vars": []}, "results": {"bindings": list(results)}}).encode()


PRAGUE = {"hostCode": {"value": "CZ"}, "sendingCode": {"value": "UA"}, "types": {"value": "embassy"}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b'{"results": {"bindings": {"a": 1}}}', "not the JSON of a Wikidata", id="bindings-not-a-list"),
        pytest.param(bindings(PRAGUE, "Q1"), "Result 2 is not an object of variables.", id="result-not-an-object"),
        pytest.param(
            bindings({**PRAGUE, "cityLabel": {"value": ["Praha"]}}),
            "Result 1, cityLabel: the value is not text.",
            id="value-not-text",
        ),
        pytest.param(
            bindings({**PRAGUE, "office": "Q1"}), "Result 1, office: the value is not text.", id="term-not-an-object"
        ),
        pytest.param(b'{"results":\n {"bindings": [}}', "Line 2, column 16: this is not valid JSON.", id="broken"),
        pytest.param(b"[" * 100_000, "not the JSON of a Wikidata", id="nested-too-deep"),
    ],
)
def test_wikidata_json_of_the_wrong_shape_is_refused(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        import_command(content, filename="query.json", folder=tmp_path)

    assert not Office.objects.exists()


def test_bad_cells_reject_their_row_with_line_and_column_and_the_rest_is_imported(tmp_path):
    content = (
        HEADER
        + GOOD_ROW
        + "UA,CZ,consulate,Br\x00no,,\n"
        + "UA,CZ,consulate,Ostrava,,\x07bell\n"
        + f"UA,CZ,consulate,Olomouc,{'y' * (TEXT_CELL_MAX + 1)},\n"
        + 'UA,CZ,consulate,"Li\nberec",,\n'
    )

    output = import_command(content.encode(), folder=tmp_path)

    assert "line 3: rejected: city contains a NUL byte." in output
    assert "line 4: rejected: source contains the control character U+0007." in output
    assert f"line 5: rejected: street_lines is longer than {TEXT_CELL_MAX} characters (it has 10001)." in output
    assert "line 6: rejected: city contains a line break; it takes one line." in output
    assert list(Office.objects.values_list("city", flat=True)) == ["Praha"]


def test_control_characters_and_lone_surrogates_from_wikidata_reject_the_result(tmp_path):
    content = bindings(
        {**PRAGUE, "cityLabel": {"value": "Pra\u0000ha"}},
        {**PRAGUE, "hostCode": {"value": "PL"}, "cityLabel": {"value": "Warsz\ud800awa"}},
    )

    output = import_command(content, filename="query.json", folder=tmp_path)

    assert "line 1: rejected: city contains a NUL byte." in output
    assert "line 2: rejected: city contains characters that are not valid Unicode text." in output
    assert not Office.objects.exists()


def test_the_command_exits_1_with_the_reason_and_no_traceback(tmp_path, capsys, monkeypatch):
    path = tmp_path / "offices.csv"
    path.write_bytes((HEADER + "UA,CZ,consulate,Br\rno,,\n").encode())
    # manage.py closes the connections when a command ends; this test's transaction still needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["manage.py", "import_offices", str(path)]).execute()

    printed = capsys.readouterr()
    assert exit_status.value.code == 1
    assert "Line 2: a line break inside a cell that is not in double quotes." in printed.err
    assert "Traceback" not in printed.err + printed.out


# The admin import: the same refusals as a form error on the import page.


def admin_preview(client, content: bytes, *, format_choice: str = "0", filename: str = "offices.csv", **extra):
    upload = SimpleUploadedFile(filename, content)
    return client.post(IMPORT, {"import_file": upload, "format": format_choice, "resource": "0", **extra})


def shown(response) -> int:
    """The status of a page that answered, without a traceback in it (the import page shows errors' tracebacks)."""
    assert b"Traceback" not in response.content
    return answered(response)


def page_errors(response) -> str:
    """What the import page says went wrong: form errors and the rows it refused."""
    context = response.context
    form = context.get("form") or context.get("confirm_form")
    rows = context.get("result").invalid_rows if context.get("result") else []
    return " ".join([*form.errors.get("import_file", []), *form.non_field_errors(), *(str(row.error) for row in rows)])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\n,\nUA,CZ\n", "Line 1 must name the columns", id="empty-header-line"),
        pytest.param(b",,,\nUA,CZ,embassy,Praha\n", "Line 1 must name the columns", id="blank-header-names"),
        pytest.param(b"\n\n\n", "Line 1 must name the columns", id="only-blank-lines"),
        pytest.param(HEADER.encode(), "No valid data to import", id="header-only"),
        pytest.param(
            (HEADER + GOOD_ROW).encode() + "UA,CZ,consulate,Plzeň\n".encode("cp1250"),
            "Line 3, column 21: the file is not UTF-8 text.",
            id="not-utf-8",
        ),
        pytest.param(
            (HEADER + "UA,CZ,consulate,Br\rno,,\n").encode(),
            "Line 2: a line break inside a cell that is not in double quotes.",
            id="bare-carriage-return",
        ),
        pytest.param(
            (HEADER + "UA,CZ,consulate,Brno,," + "x" * 140_000 + "\n").encode(),
            f"Line 2: a cell is longer than {TEXT_CELL_MAX} characters.",
            id="beyond-the-csv-field-limit",
        ),
        pytest.param(
            (HEADER + "UA,CZ,consulate,Br\x00no,,\n").encode(), "Line 2: city contains a NUL byte.", id="nul-byte"
        ),
        pytest.param(
            (HEADER + f"UA,CZ,consulate,Brno,,{'x' * (TEXT_CELL_MAX + 1)}\n").encode(),
            f"Line 2: source is longer than {TEXT_CELL_MAX} characters",
            id="over-long-cell",
        ),
        pytest.param(b"PK\x03\x04 not really a workbook", "cannot be read as xlsx", id="broken-xlsx"),
    ],
)
def test_admin_import_refuses_a_bad_file_on_the_form(admin_client, content, message):
    format_choice = "1" if content.startswith(b"PK") else "0"

    response = admin_preview(admin_client, content, format_choice=format_choice)

    assert shown(response) == 200
    assert message in page_errors(response)
    assert "confirm_form" not in response.context
    assert not Office.objects.exists()


def confirm_fields(preview) -> dict:
    confirm = preview.context["confirm_form"]
    return {name: confirm[name].value() for name in confirm.fields}


@pytest.mark.parametrize(
    "tampered",
    [
        {"import_file_name": "../../../etc/passwd"},
        {"import_file_name": "/etc/passwd"},
        {"import_file_name": "not-an-upload"},
        {"original_file_name": "other.csv"},
        {"format": "abc"},
        {"format": "99"},
        {"format": "1"},
        {"resource": "99"},
        {"ticket": ""},
        {"ticket": "garbage:garbage"},
    ],
    ids=lambda tampered: "-".join(f"{name}={value}" for name, value in tampered.items()),
)
def test_a_tampered_confirmation_is_refused_on_the_form(admin_client, tampered):
    preview = admin_preview(admin_client, (HEADER + GOOD_ROW).encode())

    response = admin_client.post(PROCESS_IMPORT, {**confirm_fields(preview), **tampered})

    assert shown(response) == 200
    assert "does not match the preview" in page_errors(response)
    assert not Office.objects.exists()


def test_a_confirmation_older_than_a_day_is_refused(admin_client, monkeypatch):
    fields = confirm_fields(admin_preview(admin_client, (HEADER + GOOD_ROW).encode()))
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 25 * 60 * 60)

    response = admin_client.post(PROCESS_IMPORT, fields)

    assert shown(response) == 200 and "more than a day old" in page_errors(response)
    assert not Office.objects.exists()


def test_a_confirmation_sent_twice_imports_once_and_then_says_so(admin_client):
    fields = confirm_fields(admin_preview(admin_client, (HEADER + GOOD_ROW).encode()))

    first = admin_client.post(PROCESS_IMPORT, fields)
    second = admin_client.post(PROCESS_IMPORT, fields)

    assert first.status_code == 302
    assert shown(second) == 200 and "The uploaded file is gone" in page_errors(second)
    assert Office.objects.count() == 1


def test_xlsx_export_strips_control_characters_stored_before_the_checks(admin_client):
    # Storable on both databases (PostgreSQL refuses NUL in text), but not in an XLSX cell.
    OfficeFactory(name="Embassy\x1b of\x07 Ukraine", city="Praha", street_lines="Line one\nLine\x0b two")
    choices = dict(admin_client.get(EXPORT).context["form"].fields["format"].choices)
    xlsx = next(index for index, label in choices.items() if str(label).lower() == "xlsx")

    exported = admin_client.post(
        EXPORT, {"format": str(xlsx), "resource": "0", **{f"officeresource_{column}": "on" for column in COLUMNS}}
    )

    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("name") + 1).value == "Embassy of Ukraine"
    assert sheet.cell(row=2, column=header.index("street_lines") + 1).value == "Line one\nLine two"


# Properties: whatever the file, the command ends in success or a CommandError, and the admin never answers 500.

CELL = st.one_of(
    TEXT,
    st.sampled_from(["UA", "CZ", "embassy", "consulate", "Praha", "", "\x00", "\r", '"', "\ud800"]),
    st.builds(
        lambda size, char: char * size,
        st.sampled_from([2, TEXT_CELL_MAX + 1, 131_073]),
        st.sampled_from(["x", "\x00", " ", "\x1f"]),
    ),
)
QUOTING = st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])


def csv_bytes(header: list[str], rows: list[list[str]], quoting: int) -> bytes:
    stream = io.StringIO()
    csv.writer(stream, quoting=quoting).writerows([header, *rows])
    return stream.getvalue().encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


HEADERS = st.one_of(st.just(COLUMNS), st.lists(st.sampled_from([*COLUMNS, "host_country_iso2", "office_type", ""])))
CSV_FILES = st.builds(csv_bytes, HEADERS, st.lists(st.lists(CELL, max_size=8), max_size=5), QUOTING)
RAW_CSV = st.lists(st.lists(CELL, max_size=6).map(",".join), max_size=5).map(
    lambda lines: "\n".join([HEADER.strip(), *lines]).encode("utf-8", "surrogatepass")
)
WIKIDATA_FILES = st.builds(
    lambda results: json.dumps({"results": {"bindings": results}}).encode(),
    st.one_of(
        JSON_VALUES,
        st.lists(
            st.dictionaries(
                st.sampled_from(["office", "officeLabel", "hostCode", "sendingCode", "types", "cityLabel", "phone"]),
                st.one_of(JSON_VALUES, st.fixed_dictionaries({"value": st.one_of(TEXT, JSON_VALUES)})),
            ),
            max_size=4,
        ),
    ),
)


def likely_csv(extra_cells: st.SearchStrategy) -> st.SearchStrategy:
    """Files whose rows mostly import, so the properties also reach the import itself and the confirm step."""
    rows = st.lists(
        st.tuples(
            st.sampled_from(["UA", "RU"]),
            st.sampled_from(["CZ", "PL", "SK"]),
            st.sampled_from(["embassy", "consulate", "honorary_consulate"]),
            st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=20),
            extra_cells,
            extra_cells,
        ).map(list),
        min_size=1,
        max_size=4,
    )
    return st.builds(csv_bytes, st.just(HEADER.strip().split(",")), rows, QUOTING)


LIKELY_CSV = likely_csv(st.one_of(st.just(""), TEXT, CELL))
CLEAN_CSV = likely_csv(st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), max_size=40))
FILES = st.one_of(st.binary(max_size=400), TEXT.map(str.encode), CSV_FILES, RAW_CSV, LIKELY_CSV, WIKIDATA_FILES)


@settings(FUZZ, max_examples=60)
@given(content=FILES, filename=st.sampled_from(["offices.csv", "query.json"]), dry_run=st.booleans())
def test_import_offices_ends_in_success_or_a_command_error(tmp_path, content, filename, dry_run):
    try:
        import_command(content, *(["--dry-run"] if dry_run else []), filename=filename, folder=tmp_path)
    except CommandError as error:
        assert str(error)  # a reason, never an empty one


@settings(FUZZ, max_examples=30)
@given(
    content=st.one_of(LIKELY_CSV, FILES),
    format_choice=st.sampled_from(["0", "0", "0", "1", "2", "3", "4", "5", "", "6", "x"]),
    sending_state=st.sampled_from(["", "UA", "XX"]),
)
def test_admin_import_preview_never_answers_500(admin_client, content, format_choice, sending_state):
    preview = admin_preview(admin_client, content, format_choice=format_choice, sending_state=sending_state)

    assert shown(preview) == 200
    assert not Office.objects.exists()  # a preview writes nothing


# What the confirm step posts: the preview's own fields, each perhaps replaced by anything.
CONFIRM_CHANGES = st.dictionaries(
    st.sampled_from(CONFIRM_FIELDS),
    st.one_of(TEXT, st.sampled_from(["../../../etc/passwd", "/etc/passwd", "0", "1", "99", "-1", ""])),
    max_size=3,
)


@settings(FUZZ, max_examples=20)
@given(content=CLEAN_CSV, changes=CONFIRM_CHANGES)
def test_admin_import_confirm_step_never_answers_500(admin_client, content, changes):
    preview = admin_preview(admin_client, content)
    fields = confirm_fields(preview) if "confirm_form" in preview.context else {}

    confirmed = admin_client.post(PROCESS_IMPORT, {**fields, **changes})

    assert shown(confirmed) in (200, 302)
    signed_changed = {name for name, value in changes.items() if name != "sending_state" and fields.get(name) != value}
    if fields and not signed_changed and changes.get("sending_state", "") in ("", fields["sending_state"]):
        assert confirmed.status_code == 302
    if confirmed.status_code == 302:
        assert fields and not signed_changed
