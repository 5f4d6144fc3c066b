"""Inbound mail is never lost: addresses of any form are normalised, a body that cannot be read as a message is
kept raw in the triage queue and answered 200, and only bad credentials or an oversize body are refused.
anymail's own recorded Postmark payloads are in test_inbound_anymail_shapes.py."""

import base64
import copy
import datetime
import json
import uuid

from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.permissions import ORGANISERS_GROUP
from embassies.services import organiser_scope_set
from tests.anymail_postmark_payloads import TRACKING
from tests.factories import LetterFactory
from tests.postmark_payloads import POSTMARK_INBOUND
from tracking.models import Reply, ReplyState
from tracking.services import reply_content_purge, reply_discard

pytestmark = pytest.mark.django_db

WEBHOOK_URL = "/webhooks/anymail/postmark/inbound/"
TRACKING_URL = "/webhooks/anymail/postmark/tracking/"
GOOD_AUTH = "Basic " + base64.b64encode(b"test:test-webhook-secret").decode()
WRONG_AUTH = "Basic " + base64.b64encode(b"test:wrong").decode()
REFUSED = (400, 401, 403)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
CRLF_NAME = "Consulate General\r\nBcc: victim@example.org"


def _payload(token: str, **changes) -> dict:
    payload = json.loads(json.dumps(copy.deepcopy(POSTMARK_INBOUND)).replace("TOKEN", token))
    payload.update(changes)
    return payload


def _post_body(client, body: bytes, auth: str | None = GOOD_AUTH, url: str = WEBHOOK_URL):
    extra = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(url, data=body, content_type="application/json", **extra)


def _post(client, payload, auth: str | None = GOOD_AUTH, url: str = WEBHOOK_URL):
    return _post_body(client, json.dumps(payload).encode(), auth=auth, url=url)


@pytest.fixture
def letter(campaign, tracked_offices):
    return LetterFactory(submission__campaign=campaign, office=tracked_offices["brno"])


# The odd address forms, in every field they may come in. `t` is the letter's reply token; the token stays
# reachable in the field under test (OriginalRecipient is emptied), so the reply must still be matched.
def _to(t: str) -> str:
    return f"{t}@reply.example.org"


ODD_ADDRESSES = {
    "FromFull-crlf_name": lambda t: {"FromFull": {"Email": "consul@mfa.gov.ua", "Name": CRLF_NAME}},
    "FromFull-empty": lambda t: {"FromFull": {"Email": "", "Name": ""}},
    "FromFull-space": lambda t: {"FromFull": {"Email": "gc brno@mfa.gov.ua", "Name": "Consul"}},
    "FromFull-undisclosed": lambda t: {"FromFull": {"Email": "undisclosed-recipients:;", "Name": ""}},
    "From-crlf_name": lambda t: {"FromFull": None, "From": f'"{CRLF_NAME}" <consul@mfa.gov.ua>'},
    "From-empty": lambda t: {"FromFull": None, "From": ""},
    "From-space": lambda t: {"FromFull": None, "From": "gc brno@mfa.gov.ua"},
    "From-undisclosed": lambda t: {"FromFull": None, "From": "undisclosed-recipients:;"},
    "ToFull-crlf_name": lambda t: {"ToFull": [{"Email": _to(t), "Name": CRLF_NAME}]},
    "ToFull-empty": lambda t: {"ToFull": [{"Email": "", "Name": "Nobody"}, {"Email": _to(t), "Name": ""}]},
    "ToFull-space": lambda t: {"ToFull": [{"Email": f"{t} @reply.example.org", "Name": ""}]},
    "ToFull-undisclosed": lambda t: {"ToFull": [{"Email": "undisclosed-recipients:;"}, {"Email": _to(t)}]},
    "To-crlf_name": lambda t: {"ToFull": None, "To": f'"{CRLF_NAME}" <{_to(t)}>'},
    "To-empty": lambda t: {"ToFull": None, "To": f"<>, {_to(t)}"},
    "To-space": lambda t: {"ToFull": None, "To": f"{t} @reply.example.org"},
    "To-undisclosed": lambda t: {"ToFull": None, "To": f"undisclosed-recipients:;, {_to(t)}"},
}
for _field in ("Cc", "CcFull"):
    for _form in ("crlf_name", "empty", "space", "undisclosed"):
        # The same forms in Cc, with To holding only an address of the office's own.
        _to_case = ODD_ADDRESSES[f"{_field.replace('Cc', 'To')}-{_form}"]
        ODD_ADDRESSES[f"{_field}-{_form}"] = lambda t, case=_to_case: {
            **{key.replace("To", "Cc"): value for key, value in case(t).items()},
            "To": "consul@mfa.gov.ua",
            "ToFull": [{"Email": "consul@mfa.gov.ua", "Name": "Consul"}],
        }
FROM_ADDRESS = {"crlf_name": "consul@mfa.gov.ua", "empty": "", "space": '"gc brno"@mfa.gov.ua', "undisclosed": ""}


@pytest.mark.parametrize("case", sorted(ODD_ADDRESSES))
def test_odd_address_forms_are_normalised_and_the_reply_matched(client, letter, case):
    payload = _payload(letter.reply_token, OriginalRecipient="", **ODD_ADDRESSES[case](letter.reply_token))

    response = _post(client, payload)

    assert response.status_code == 200
    reply = Reply.objects.get()
    assert (reply.state, reply.letter, reply.raw_payload) == (ReplyState.MATCHED, letter, "")
    assert reply.recipient == _to(letter.reply_token)
    field, form = case.split("-")
    if field.startswith("From"):
        assert reply.from_address == FROM_ADDRESS[form]


def test_a_display_name_with_a_line_break_cannot_add_headers_to_the_forward(
    client, letter, django_capture_on_commit_callbacks
):
    payload = _payload(letter.reply_token, FromFull={"Email": "consul@mfa.gov.ua", "Name": CRLF_NAME})
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, payload).status_code == 200
    (forwarded,) = mail.outbox
    assert forwarded.bcc == [] and "victim" not in str(forwarded.message())


RAW_EMAIL_WITH_ODD_ADDRESSES = (
    'From: "Consulate\r\n General" <consul@mfa.gov.ua>\r\n'
    "To: undisclosed-recipients:;\r\n"
    "Cc: gc brno@mfa.gov.ua, <>\r\n"
    "Subject: Re: your letter\r\n"
    "\r\n"
    "We received it.\r\n"
)


def test_odd_addresses_in_the_raw_mail_are_read_too(client, letter):
    payload = {"RawEmail": RAW_EMAIL_WITH_ODD_ADDRESSES, "OriginalRecipient": _to(letter.reply_token)}

    assert _post(client, payload).status_code == 200
    reply = Reply.objects.get()
    assert (reply.state, reply.letter, reply.from_address) == (ReplyState.MATCHED, letter, "consul@mfa.gov.ua")
    assert reply.body_text == "We received it."


ALWAYS_ODD_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    email=ALWAYS_ODD_TEXT | st.sampled_from(["", " ", "<>", "undisclosed-recipients:;", "a b@c.org", "@", "a@b@c"]),
    name=ALWAYS_ODD_TEXT,
    field=st.sampled_from(["FromFull", "ToFull", "CcFull", "BccFull", "From", "To", "Cc"]),
)
def test_any_address_text_in_any_address_field_is_stored_and_matched(client, letter, email, name, field):
    message_id = str(uuid.uuid4())
    entry = {"Email": email, "Name": name}
    if field == "FromFull":
        changes = {"FromFull": entry}
    elif field.endswith("Full"):
        changes = {field: [entry, {"Email": _to(letter.reply_token), "Name": name}]}
    else:
        changes = {f"{field}Full": None, field: f'"{name}" <{email}>, {email}'}
    payload = _payload(letter.reply_token, MessageID=message_id, **changes)

    assert _post(client, payload).status_code == 200
    reply = Reply.objects.get(inbound_event_id=message_id)
    assert reply.letter == letter and reply.state == ReplyState.MATCHED


NOT_UTF8 = '{"Subject": "Odpověď"}'.encode("cp1250")
UNREADABLE = {
    "not_utf8": (NOT_UTF8, "not UTF-8", ""),
    "not_json": (b"{not json", "not JSON", ""),
    "array": (b"[1, 2]", "not a JSON object", ""),
    "null": (b"null", "not a JSON object", ""),
    "string": (b'"a reply"', "not a JSON object", ""),
    "wrong_types": (
        json.dumps({**POSTMARK_INBOUND, "TextBody": ["a", "b"], "ToFull": "TOKEN@reply.example.org"}).encode(),
        "fields of the wrong type",
        " (TextBody, ToFull)",
    ),
    "wrong_nested_types": (
        json.dumps({**POSTMARK_INBOUND, "Headers": [{"Name": "X-Spam-Status", "Value": False}]}).encode(),
        "fields of the wrong type",
        " (Headers)",
    ),
    "anymail_raises": (
        json.dumps(TRACKING["delivered"]).encode(),
        "not readable as a message",
        " (AnymailConfigurationError)",
    ),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_an_unreadable_body_is_kept_raw_for_triage_once(client, letter, case):
    body, reason, detail = UNREADABLE[case]

    first, again = _post_body(client, body), _post_body(client, body)  # the second is the ESP's retry

    subject = f"Unreadable inbound payload: {reason}{detail}"
    assert (first.status_code, again.status_code) == (200, 200)
    assert first["Content-Type"].startswith("text/plain") and subject in first.content.decode()
    reply = Reply.objects.get()
    assert (reply.state, reply.subject, reply.letter, reply.office) == (ReplyState.TRIAGE, subject, None, None)
    assert reply.inbound_event_id.startswith("raw-sha256:") and not reply.body_truncated
    if case == "not_utf8":
        assert reply.raw_payload == '{"Subject": "Odpov\\xec\\xef"}'  # the undecodable bytes, visible
    else:
        assert reply.raw_payload == body.decode()


def test_different_unreadable_bodies_are_different_rows(client, db):
    _post_body(client, b"{one")
    _post_body(client, b"{two")
    assert sorted(Reply.objects.values_list("raw_payload", flat=True)) == ["{one", "{two"]


def test_the_raw_body_is_cut_at_the_size_limit_and_holds_no_control_characters(client, db, settings):
    settings.REPLY_MAX_BYTES = 100
    _post_body(client, b"\x00\x1b[31m" + b"x" * 1000)

    reply = Reply.objects.get()
    assert reply.body_truncated and len(reply.raw_payload.encode()) <= 100
    assert reply.raw_payload.startswith("\\x00\\x1b[31mxxx")  # PostgreSQL refuses NUL; terminals obey ESC


def test_a_body_with_a_content_length_that_is_no_number_is_not_a_server_error(client, db):
    response = client.post(
        WEBHOOK_URL, data=b"{}", content_type="application/json", HTTP_AUTHORIZATION=GOOD_AUTH, CONTENT_LENGTH="x"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("auth", [None, WRONG_AUTH])
@pytest.mark.parametrize("body", [b"{not json", NOT_UTF8, json.dumps(POSTMARK_INBOUND).encode()])
def test_without_the_credentials_nothing_is_read_or_stored(client, db, auth, body):
    assert _post_body(client, body, auth=auth).status_code in REFUSED
    assert Reply.objects.count() == 0


@pytest.mark.parametrize("body", [b"{not json" + b"x" * 2000, json.dumps(POSTMARK_INBOUND).encode() + b" " * 2000])
def test_a_body_over_the_request_limit_is_refused_with_413_and_nothing_stored(client, db, settings, body):
    settings.REPLY_MAX_REQUEST_BYTES = 2000
    assert _post_body(client, body).status_code == 413
    assert _post_body(client, body, auth=WRONG_AUTH).status_code in REFUSED  # credentials are checked first
    assert Reply.objects.count() == 0


def _picture(name: str, content: bytes, content_id: str | None, content_type: str = "image/png") -> dict:
    attachment = {
        "Name": name,
        "Content": base64.b64encode(content).decode(),
        "ContentType": content_type,
        "ContentLength": len(content),
    }
    if content_id is not None:
        attachment["ContentID"] = content_id
    return attachment


def test_an_inline_picture_is_kept_like_an_attachment(client, letter):
    payload = _payload(
        letter.reply_token,
        HtmlBody='<p>Our answer:</p><img src="cid:scan1@mfa.gov.ua">',
        Attachments=[_picture("scan.png", PNG, "scan1@mfa.gov.ua")],
    )
    assert _post(client, payload).status_code == 200

    reply = Reply.objects.get()
    (kept,) = reply.attachments.all()
    assert (kept.filename, kept.content_type, reply.attachments_dropped) == ("scan.png", "image/png", 0)


def test_an_inline_part_that_is_no_picture_is_counted_as_dropped(client, letter, settings):
    settings.REPLY_ATTACHMENTS_MAX = 1
    payload = _payload(
        letter.reply_token,
        Attachments=[
            _picture("answer.pdf", b"%PDF-1.7 scanned", None, "application/pdf"),
            _picture("logo.png", PNG, "logo"),  # over the count limit: the real attachment came first
            _picture("macro.docm", b"PK\x03\x04", "doc", "application/octet-stream"),
            _picture("broken.png", b"", "broken") | {"Content": "not base64!"},
        ],
    )
    _post(client, payload)

    reply = Reply.objects.get()
    assert [attachment.filename for attachment in reply.attachments.all()] == ["answer.pdf"]
    assert reply.attachments_dropped == 3


def test_an_attachment_with_an_empty_content_id_is_an_attachment(client, letter):
    _post(client, _payload(letter.reply_token, Attachments=[_picture("a.pdf", b"%PDF-1.4 x", "", "application/pdf")]))
    assert Reply.objects.get().attachments.get().filename == "a.pdf"


def test_an_inline_picture_in_the_raw_mail_is_kept_and_the_inline_body_is_no_attachment(client, letter):
    raw = (
        "From: consul@mfa.gov.ua\r\n"
        f"To: {_to(letter.reply_token)}\r\n"
        "Subject: Answer\r\n"
        'Content-Type: multipart/related; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Disposition: inline\r\n"
        "\r\n"
        "See the scan.\r\n"
        "--B\r\n"
        "Content-Type: image/png\r\n"
        "Content-Disposition: inline\r\n"
        "Content-ID: <scan@mfa>\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{base64.b64encode(PNG).decode()}\r\n"
        "--B--\r\n"
    )
    assert _post(client, {"RawEmail": raw}).status_code == 200

    reply = Reply.objects.get()
    assert reply.letter == letter and reply.body_text == "See the scan."
    assert reply.attachments.get().content_type == "image/png" and reply.attachments_dropped == 0


def test_the_raw_body_is_erased_by_retention_and_by_discarding(client, db, settings):
    _post_body(client, b"{kept for a while")
    _post_body(client, b"{discarded soon")
    discarded = Reply.objects.get(raw_payload="{discarded soon")

    reply_discard(reply=discarded)
    later = timezone.now() + datetime.timedelta(days=settings.REPLY_RETENTION_DAYS + 1)
    assert reply_content_purge(now=later) == 1

    assert list(Reply.objects.values_list("raw_payload", "subject")) == [("", ""), ("", "")]
    assert Reply.objects.filter(content_erased_at__isnull=True).count() == 0


def test_the_raw_body_waits_in_triage_no_longer_than_supporter_data(client, db, settings):
    settings.RETENTION_SUPPORTER_DAYS, settings.REPLY_RETENTION_DAYS = 30, 365
    _post_body(client, b'{"TextBody": "Dear Jana Nov\xc3\xa1kov\xc3\xa1,"')
    assert reply_content_purge(now=timezone.now() + datetime.timedelta(days=31)) == 1
    assert Reply.objects.get().raw_payload == ""


def test_the_admin_shows_the_raw_body_escaped_in_a_pre_for_triage_only(admin_client, letter):
    _post_body(admin_client, b'{"Subject": "<script>alert(1)</script>"')
    _post(admin_client, _payload(letter.reply_token))
    raw_reply = Reply.objects.get(state=ReplyState.TRIAGE)
    matched = Reply.objects.get(state=ReplyState.MATCHED)

    page = admin_client.get(reverse("admin:tracking_reply_change", args=[raw_reply.pk])).content.decode()
    assert "<pre>{&quot;Subject&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;</pre>" in page
    assert "<script>alert(1)</script>" not in page
    matched_page = admin_client.get(reverse("admin:tracking_reply_change", args=[matched.pk])).content.decode()
    assert "Unreadable webhook body" not in matched_page


def test_long_raw_lines_are_broken_for_display_only(admin_client, db):
    _post_body(admin_client, b"{" + b"y" * 300)
    reply = Reply.objects.get()
    page = admin_client.get(reverse("admin:tracking_reply_change", args=[reply.pk])).content.decode()
    assert "{" + "y" * 119 + "\n" + "y" * 120 + "\n" + "y" * 61 + "</pre>" in page
    assert reply.raw_payload == "{" + "y" * 300


def test_organisers_do_not_see_raw_bodies_they_have_no_office_for(client, db):
    _post_body(client, b"{unreadable")
    reply = Reply.objects.get()
    organiser = User.objects.create_user("organiser-cz", password="x", is_staff=True)
    organiser.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=organiser, host_countries=["CZ"])
    client.force_login(organiser)

    changelist = client.get(reverse("admin:tracking_reply_changelist")).content.decode()
    assert "Unreadable inbound payload" not in changelist
    assert client.get(reverse("admin:tracking_reply_change", args=[reply.pk])).status_code in (403, 404)
