"""anymail's own recorded Postmark payload shapes (tests/anymail_postmark_payloads.py) against our webhooks, and
Postmark-shaped payloads holding any text: every one is read as a message, none is a server error."""

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.anymail_postmark_payloads import (
    INBOUND,
    INBOUND_ATTACHMENTS,
    SAMPLE_IMAGE,
    TRACKING,
    TRACKING_MISCONFIGURED,
)
from tests.factories import LetterFactory
from tests.tracking.test_inbound_never_lost import NOT_UTF8, TRACKING_URL, _post, _post_body
from tracking.models import Reply, ReplyAttachment, ReplyState

pytestmark = pytest.mark.django_db


# anymail's own recorded payload shapes. Where one carries a recipient, a letter with that token on that reply
# domain shows it is matched, not only accepted.
ANYMAIL_MATCHES = {
    "basics": ("inbound.example.com", "test"),
    "raw_email": ("inbound.example.com", "test"),
    "check": ("inbound.postmarkapp.com", "mailbox"),
    "check_with_raw": ("inbound.postmarkapp.com", "mailbox"),
}


@pytest.mark.parametrize("shape", sorted(INBOUND))
def test_anymails_recorded_inbound_payloads_are_stored(client, campaign, tracked_offices, settings, shape):
    letter = None
    if shape in ANYMAIL_MATCHES:
        settings.REPLY_DOMAIN, token = ANYMAIL_MATCHES[shape]
        letter = LetterFactory(submission__campaign=campaign, office=tracked_offices["brno"], reply_token=token)

    response = _post(client, INBOUND[shape])

    assert response.status_code == 200
    reply = Reply.objects.get()
    assert reply.letter == letter
    assert reply.state == (ReplyState.MATCHED if letter else ReplyState.TRIAGE)
    if shape == "misconfigured_tracking":
        assert reply.raw_payload == json.dumps(INBOUND[shape])
    else:
        assert reply.raw_payload == ""


def test_anymails_attachment_shapes_keep_the_inline_picture(client, db):
    _post(client, INBOUND_ATTACHMENTS)
    reply = Reply.objects.get()
    (kept,) = ReplyAttachment.objects.all()
    assert (kept.filename, kept.size, reply.attachments_dropped) == ("image.png", len(SAMPLE_IMAGE), 2)


def test_anymails_raw_email_shape_is_read_from_the_raw_mail_only(client, db):
    _post(client, INBOUND["raw_email"])
    reply = Reply.objects.get()
    assert (reply.from_address, reply.subject, reply.body_text) == (
        "from+test@example.org",
        "Test subject",
        "Test body plain",
    )
    assert reply.attachments_dropped == 1  # attachment.txt; the payload's own "no-duplicates.txt" is not added


@pytest.mark.parametrize("shape", sorted(TRACKING))
def test_anymails_recorded_tracking_payloads_are_accepted(client, db, shape):
    assert _post(client, TRACKING[shape], url=TRACKING_URL).status_code == 200


@pytest.mark.parametrize("shape", sorted(TRACKING_MISCONFIGURED))
def test_anymails_misconfigured_tracking_payloads_are_a_client_error(client, db, shape):
    assert _post(client, TRACKING_MISCONFIGURED[shape], url=TRACKING_URL).status_code == 400
    assert Reply.objects.count() == 0


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"null", NOT_UTF8])
def test_the_tracking_webhook_still_answers_malformed_bodies_with_400(client, db, body):
    assert _post_body(client, body, url=TRACKING_URL).status_code == 400
    assert Reply.objects.count() == 0


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)
OPTIONAL_TEXT = st.none() | TEXT
ADDRESS = st.fixed_dictionaries({}, optional={"Email": OPTIONAL_TEXT, "Name": OPTIONAL_TEXT})
HEADER_NAMES = st.sampled_from(["Return-Path", "Message-ID", "Date", "To", "Subject", "Content-Type", "X-Spam-Status"])
BASE64 = st.binary(max_size=40).map(lambda content: base64.b64encode(content).decode())
# Postmark's fields with the types Postmark sends, holding any text: all of it must be read as a message.
WELL_TYPED_INBOUND = st.fixed_dictionaries(
    {"MessageID": st.uuids().map(str)},
    optional={
        **dict.fromkeys(("From", "To", "Cc", "Bcc", "Subject", "Date", "ReplyTo", "OriginalRecipient"), OPTIONAL_TEXT),
        **dict.fromkeys(("TextBody", "HtmlBody", "StrippedTextReply", "RawEmail"), OPTIONAL_TEXT),
        "FromFull": st.none() | ADDRESS,
        **dict.fromkeys(("ToFull", "CcFull", "BccFull"), st.none() | st.lists(ADDRESS, max_size=3)),
        "Headers": st.lists(
            st.fixed_dictionaries({}, optional={"Name": HEADER_NAMES | OPTIONAL_TEXT, "Value": OPTIONAL_TEXT}),
            max_size=4,
        ),
        "Attachments": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "Name": OPTIONAL_TEXT,
                    "Content": BASE64 | OPTIONAL_TEXT,
                    "ContentType": st.sampled_from(["image/png", "message/rfc822", "text/plain"]) | OPTIONAL_TEXT,
                    "ContentID": OPTIONAL_TEXT,
                },
            ),
            max_size=3,
        ),
    },
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(payload=WELL_TYPED_INBOUND)
def test_any_well_typed_payload_is_read_as_a_message(client, db, payload):
    assert _post(client, payload).status_code == 200
    reply = Reply.objects.get(inbound_event_id=payload["MessageID"])
    assert reply.raw_payload == ""
