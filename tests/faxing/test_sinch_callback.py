"""Sinch's completion report (FAX_COMPLETED) at the letter's own callback address: as JSON or multipart, applied
once, only for the letter's own fax, refused with a reason when unreadable, and never a 500 whatever arrives."""

import json

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from campaign.models import Letter, LetterStatus
from faxing.services import fax_content_delete
from faxing.sinch import FaxApiError
from faxing.tokens import fax_callback_token
from tests.fuzzing import FUZZ, TEXT

from .fake_sinch import completion_callback, multipart_encode
from .sinch_letters import callback_path, report, sent_fax, snapshot, status_page

pytestmark = pytest.mark.django_db

# 2. Sinch's completion report


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "multipart"])
def test_a_completed_fax_marks_the_letter_delivered(client, campaign, sinch, sinch_gateway, as_json):
    letter, fax = sent_fax(campaign, sinch)

    response = report(client, letter, *completion_callback(fax, as_json=as_json))

    assert response.status_code == 200
    assert response.json() == {"applied": True}
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    assert letter.failure_reason == ""


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "multipart"])
def test_a_failed_fax_fails_the_letter_with_sinchs_reason_on_the_status_page(
    client, campaign, sinch, sinch_gateway, as_json
):
    letter, fax = sent_fax(campaign, sinch)
    body = completion_callback(fax, as_json=as_json, status="FAILURE", error_message="No answer from the fax machine")

    response = report(client, letter, *body)

    assert response.json() == {"applied": True}
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert letter.failure_reason == "The fax did not go through: No answer from the fax machine"
    page = status_page(client, letter)
    assert 'data-status="failed"' in page
    assert "The fax did not go through: No answer from the fax machine" in page


def test_the_same_report_twice_changes_nothing_the_second_time(client, campaign, sinch, sinch_gateway):
    letter, fax = sent_fax(campaign, sinch)
    body = completion_callback(fax)
    assert report(client, letter, *body).json() == {"applied": True}
    after_first = snapshot(letter)

    again = report(client, letter, *body)
    failure_after = report(client, letter, *completion_callback(fax, status="FAILURE", error_message="Busy"))

    assert again.status_code == failure_after.status_code == 200
    assert again.json() == failure_after.json() == {"applied": False}
    assert snapshot(letter) == after_first
    assert after_first[0] == LetterStatus.DELIVERED


def test_a_report_naming_another_fax_changes_nothing(client, campaign, sinch, sinch_gateway):
    letter, fax = sent_fax(campaign, sinch)
    before = snapshot(letter)

    response = report(client, letter, *completion_callback({**fax, "id": "01HDF5S9P29WC29J578J8EKC1C"}))

    assert response.json() == {"applied": False}
    assert snapshot(letter) == before


def test_a_report_that_is_not_final_changes_nothing(client, campaign, sinch, sinch_gateway):
    letter, fax = sent_fax(campaign, sinch)
    before = snapshot(letter)

    response = report(client, letter, *completion_callback(fax, status="IN_PROGRESS"))

    assert response.json() == {"applied": False}
    assert snapshot(letter) == before


def test_a_wrong_token_is_not_found_and_changes_nothing(client, campaign, sinch, sinch_gateway):
    letter, fax = sent_fax(campaign, sinch)
    before = snapshot(letter)
    token = fax_callback_token(letter_id=letter.pk)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")

    response = report(client, letter, *completion_callback(fax), token=forged)

    assert response.status_code == 404
    assert snapshot(letter) == before


def test_one_letters_token_does_not_open_another_letters_address(client, campaign, sinch, sinch_gateway):
    letter_a, _ = sent_fax(campaign, sinch)
    letter_b, fax_b = sent_fax(campaign, sinch)
    before = snapshot(letter_b)

    response = report(client, letter_b, *completion_callback(fax_b), token=fax_callback_token(letter_id=letter_a.pk))

    assert response.status_code == 404
    assert snapshot(letter_b) == before


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"event=FAX_COMPLETED", "application/json", "The report is not valid JSON."),
        (b"\xff\xfe{}", "application/json", "The report is not valid JSON."),
        (b'[{"event": "FAX_COMPLETED"}]', "application/json", "The report is not a JSON object."),
        (b'{"event": "FAX_COMPLETED"}', "application/json", "The report needs an event and a fax object."),
        (b'{"event": "FAX_COMPLETED", "fax": "01HDF5S9"}', "application/json", "The report needs an event"),
        (b"<fax/>", "application/xml", "Send application/json or multipart/form-data."),
        (
            multipart_encode({"event": "FAX_COMPLETED", "fax": "{not json"}, {})[0],
            None,
            "The report is not valid JSON.",
        ),
        (multipart_encode({"event": "FAX_COMPLETED"}, {})[0], None, "The report needs an event and a fax object."),
    ],
)
def test_an_unreadable_report_is_refused_with_its_reason(
    client, campaign, sinch, sinch_gateway, body, content_type, reason
):
    letter, _ = sent_fax(campaign, sinch)
    before = snapshot(letter)
    if content_type is None:
        content_type = "multipart/form-data; boundary=" + body[2:34].decode()

    response = report(client, letter, body, content_type)

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert snapshot(letter) == before


def test_the_callback_address_takes_only_post(client, campaign, sinch, sinch_gateway):
    letter, _ = sent_fax(campaign, sinch)

    assert client.get(callback_path(letter.pk)).status_code == 405


# 4. Whatever arrives at the callback address


# Weighted towards the reports that matter: a well-formed completion of the letter's own fax ("OWN").
FAX_IDS = st.one_of(
    st.just("OWN"), st.just("OWN"), st.sampled_from(["01HDF5S9P29WC29J578J8EKC1C", ""]), TEXT, st.integers()
)
STATUSES = st.one_of(
    st.sampled_from(["COMPLETED", "FAILURE"]), st.sampled_from(["IN_PROGRESS", "completed", ""]), TEXT, st.none()
)
EVENTS = st.one_of(st.just("FAX_COMPLETED"), st.just("FAX_COMPLETED"), st.sampled_from(["INCOMING_FAX", ""]), TEXT)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=10,
)
FAXES = (
    st.fixed_dictionaries(
        {"id": FAX_IDS, "status": STATUSES},
        optional={"errorMessage": JSON_VALUES, "errorCode": JSON_VALUES, "direction": JSON_VALUES},
    )
    | JSON_VALUES
)
REPORTS = st.fixed_dictionaries(
    {"event": EVENTS | JSON_VALUES, "fax": FAXES},
    optional={"eventTime": JSON_VALUES, "files": JSON_VALUES},
)


def completions(fax_ids: st.SearchStrategy) -> st.SearchStrategy:
    """Well-formed FAX_COMPLETED reports on these faxes."""
    return st.fixed_dictionaries(
        {
            "event": st.just("FAX_COMPLETED"),
            "fax": st.fixed_dictionaries(
                {"id": fax_ids, "status": st.sampled_from(["COMPLETED", "FAILURE"])},
                optional={"errorMessage": JSON_VALUES, "errorCode": JSON_VALUES, "price": JSON_VALUES},
            ),
        },
        optional={"eventTime": JSON_VALUES, "files": JSON_VALUES},
    )


OWN_COMPLETIONS = completions(st.just("OWN"))
OTHER_COMPLETIONS = completions(st.one_of(st.just("01HDF5S9P29WC29J578J8EKC1C"), st.just(""), TEXT, st.integers()))


def well_formed_for(report_: object, fax_id: str) -> bool:
    if not isinstance(report_, dict) or report_.get("event") != "FAX_COMPLETED":
        return False
    fax = report_.get("fax")
    return isinstance(fax, dict) and fax.get("id") == fax_id and fax.get("status") in ("COMPLETED", "FAILURE")


@st.composite
def callback_bodies(draw, fax_id: str) -> tuple[bytes, str, object]:
    """(body, content type, the report it carries or None), as JSON or multipart, well-formed or not."""
    kind = draw(st.sampled_from(["json", "json", "multipart", "multipart", "raw_json", "raw_multipart"]))
    report_ = draw(st.one_of(OWN_COMPLETIONS, OWN_COMPLETIONS, OTHER_COMPLETIONS, REPORTS, JSON_VALUES))
    if isinstance(report_, dict) and isinstance(report_.get("fax"), dict) and report_["fax"].get("id") == "OWN":
        report_["fax"]["id"] = fax_id
    if kind == "json":
        return json.dumps(report_).encode(), "application/json", report_
    if kind == "multipart" and isinstance(report_, dict):
        fields = {key: value if isinstance(value, str) else json.dumps(value) for key, value in report_.items()}
        body, content_type = multipart_encode(fields, {"file": ("fax.pdf", b"%PDF-1.7\n", "application/pdf")})
        carried = {**report_, "event": fields.get("event")} if "event" in report_ else None
        return body, content_type, carried
    raw = draw(st.binary(max_size=300))
    if kind == "raw_json":
        return raw, "application/json", None
    boundary = draw(st.sampled_from(["", "; boundary=xyz", "; boundary=", '; boundary="a b"']))
    return b"--xyz\r\n" + raw if boundary else raw, "multipart/form-data" + boundary, None


@pytest.fixture
def one_sent_fax(campaign, sinch, sinch_gateway) -> tuple[Letter, dict]:
    """Sent once for all of Hypothesis's examples: sending renders a PDF."""
    return sent_fax(campaign, sinch)


@FUZZ
@given(data=st.data())
def test_no_callback_body_gives_a_500_or_changes_a_letter_unless_it_is_its_own_completion(client, one_sent_fax, data):
    letter, fax = one_sent_fax
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.SENT, failure_reason="")
    body, content_type, carried = data.draw(callback_bodies(fax["id"]))

    response = report(client, letter, body, content_type)

    assert response.status_code in (200, 400)
    letter.refresh_from_db()
    event(f"HTTP {response.status_code}, applied: {well_formed_for(carried, fax['id'])}")
    if well_formed_for(carried, fax["id"]):
        assert response.json() == {"applied": True}
        expected = {"COMPLETED": LetterStatus.DELIVERED, "FAILURE": LetterStatus.FAILED}[carried["fax"]["status"]]
        assert letter.status == expected
    else:
        assert letter.status == LetterStatus.SENT
        assert letter.failure_reason == ""


def test_once_a_fax_has_its_outcome_sinchs_copy_of_the_letter_is_deleted(
    client, campaign, sinch, sinch_gateway, django_capture_on_commit_callbacks
):
    letter, fax = sent_fax(campaign, sinch)

    with django_capture_on_commit_callbacks(execute=True):
        report(client, letter, *completion_callback(fax, as_json=True, status="FAILURE", error_message="Busy"))

    assert sinch.deleted == [fax["id"]]
    assert fax["hasFile"] is False


def test_a_deletion_sinch_cannot_do_now_is_tried_again(campaign, sinch, sinch_gateway):
    letter, fax = sent_fax(campaign, sinch)
    sinch.answer_next(503, {"code": "503", "error": "Unavailable", "message": "Try again later."})

    with pytest.raises(FaxApiError):
        fax_content_delete(letter_id=letter.pk, fax_id=fax["id"])
    assert fax_content_delete(letter_id=letter.pk, fax_id=fax["id"]) is True
    assert fax_content_delete(letter_id=letter.pk, fax_id=fax["id"]) is True  # already gone: Sinch answers 404
    assert sinch.deleted == [fax["id"]]
