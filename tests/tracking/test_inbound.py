"""Replies: Postmark's inbound webhook → Reply rows, matched by token or sent to triage, forwarded once."""

import base64
import copy
import datetime
import json
import re
from pathlib import Path

from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from embassies.services import organiser_scope_set
from tests.factories import LetterFactory
from tests.postmark_payloads import POSTMARK_INBOUND
from tracking.models import Reply, ReplyAttachment, ReplyState
from tracking.selectors import letter_for_reply_assignment, progress_compute
from tracking.services import reply_assign, reply_content_purge, reply_discard

pytestmark = pytest.mark.django_db

WEBHOOK_URL = "/webhooks/anymail/postmark/inbound/"
GOOD_AUTH = "Basic " + base64.b64encode(b"test:test-webhook-secret").decode()


def _payload(token: str, **changes) -> dict:
    payload = copy.deepcopy(POSTMARK_INBOUND)
    text = json.dumps(payload).replace("TOKEN", token)
    payload = json.loads(text)
    payload.update(changes)
    return payload


def _post(client, payload, auth=GOOD_AUTH):
    extra = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(WEBHOOK_URL, data=json.dumps(payload), content_type="application/json", **extra)


@pytest.fixture
def letter(campaign, tracked_offices):
    return LetterFactory(submission__campaign=campaign, office=tracked_offices["brno"])


def test_reply_to_a_letter_is_stored_matched_and_forwarded(client, letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _payload(letter.reply_token))

    assert response.status_code == 200
    reply = Reply.objects.get()
    assert reply.state == ReplyState.MATCHED
    assert (reply.letter, reply.office, reply.campaign) == (letter, letter.office, letter.campaign)
    assert reply.from_address == "gc_cz_brno@mfa.gov.ua"
    assert "passed it on to Kyiv" in reply.body_text
    assert reply.attachments_dropped == 0 and reply.attachments.get().filename == "answer.pdf"
    assert reply.forwarded_at is not None
    assert len(mail.outbox) == 1
    forwarded = mail.outbox[0]
    assert forwarded.to == [letter.submission.email]
    assert "passed it on to Kyiv" in forwarded.body
    assert forwarded.subject.startswith("Reply from Consulate General of Ukraine in Brno")
    assert not getattr(forwarded, "alternatives", [])  # plain text only
    assert [(name, mimetype) for name, _content, mimetype in forwarded.attachments] == [
        ("answer.pdf", "application/pdf")
    ]
    assert forwarded.anymail_status.status == {"sent"}  # went through anymail, not Django's locmem backend


def test_office_is_marked_as_replied(client, letter, campaign):
    _post(client, _payload(letter.reply_token))
    progress = progress_compute(campaign=campaign)
    replied = [office.name for country in progress.countries for office in country.offices if office.has_replied]
    assert replied == ["Consulate General of Ukraine in Brno"]


def test_token_in_cc_matches_too(client, letter):
    payload = _payload(
        "nobody",
        CcFull=[{"Email": f"{letter.reply_token}@reply.example.org", "Name": "", "MailboxHash": ""}],
        OriginalRecipient=f"{letter.reply_token}@REPLY.example.org",
    )
    _post(client, payload)
    assert Reply.objects.get().letter == letter


def test_repeated_delivery_changes_nothing(client, letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _payload(letter.reply_token))
        again = _post(client, _payload(letter.reply_token))

    assert again.status_code == 200
    assert Reply.objects.count() == 1
    assert len(mail.outbox) == 1


def test_unknown_token_goes_to_triage_and_is_not_forwarded(client, letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _payload("notarealtoken"))

    reply = Reply.objects.get()
    assert reply.state == ReplyState.TRIAGE
    assert reply.letter is None and reply.office is None
    assert reply.recipient == "notarealtoken@reply.example.org"
    assert mail.outbox == []


@pytest.mark.parametrize("auth", [None, "Basic " + base64.b64encode(b"test:wrong").decode()])
def test_wrong_or_missing_credentials_are_rejected_and_nothing_stored(client, letter, auth):
    response = _post(client, _payload(letter.reply_token), auth=auth)
    assert response.status_code in (400, 401, 403)
    assert Reply.objects.count() == 0
    assert mail.outbox == []


def test_html_only_mail_is_reduced_to_text(client, letter):
    html = (
        '<html><head><style>p{color:red}</style><script>alert("x")</script></head><body>'
        '<p>We received your <b>letter</b>.</p><img src="https://tracker.example/p.gif"><p>Fish &amp; chips</p></body></html>'
    )
    _post(client, _payload(letter.reply_token, TextBody="", HtmlBody=html))

    body = Reply.objects.get().body_text
    assert body == "We received your letter.\nFish & chips"


def test_admin_shows_the_reply_escaped(admin_client, letter):
    _post(client=admin_client, payload=_payload(letter.reply_token, TextBody="<script>alert(1)</script> hello"))
    reply = Reply.objects.get()
    html = admin_client.get(reverse("admin:tracking_reply_change", args=[reply.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hello" in html
    assert "<script>alert(1)</script>" not in html


def test_long_mail_is_cut_at_the_size_limit(client, letter, settings):
    settings.REPLY_MAX_BYTES = 1000
    _post(client, _payload(letter.reply_token, TextBody="ї" * 5000))  # two bytes each in UTF-8

    reply = Reply.objects.get()
    assert reply.body_truncated
    assert len(reply.body_text.encode()) <= 1000
    assert reply.body_text == "ї" * 500


def test_no_forward_after_the_supporter_was_erased(client, letter, django_capture_on_commit_callbacks):
    submission = letter.submission
    submission.email, submission.erased_at = "", timezone.now()
    submission.save()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _payload(letter.reply_token))

    assert Reply.objects.get().state == ReplyState.MATCHED
    assert Reply.objects.get().forwarded_at is None
    assert mail.outbox == []


def test_spam_waits_in_triage_with_its_letter_and_is_not_forwarded(
    client, letter, campaign, django_capture_on_commit_callbacks
):
    payload = _payload(letter.reply_token)
    payload["Headers"][2]["Value"] = "Yes"
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, payload)

    reply = Reply.objects.get()
    assert reply.spam_detected and reply.state == ReplyState.TRIAGE and reply.letter == letter
    assert mail.outbox == []
    assert progress_compute(campaign=campaign).offices_replied == 0

    with django_capture_on_commit_callbacks(execute=True):
        reply_assign(reply=reply, letter=letter)  # an organiser read it: it is a real answer
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "header", [("Auto-Submitted", "auto-replied"), ("Precedence", "auto_reply"), ("X-Autoreply", "yes")]
)
def test_out_of_office_replies_are_not_counted_or_forwarded(
    client, letter, campaign, header, django_capture_on_commit_callbacks
):
    payload = _payload(letter.reply_token, Subject="Automatic reply: out of office")
    payload["Headers"].append({"Name": header[0], "Value": header[1]})
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, payload)

    reply = Reply.objects.get()
    assert reply.automatic and reply.state == ReplyState.TRIAGE
    assert mail.outbox == []
    assert progress_compute(campaign=campaign).offices_replied == 0


def test_triaged_reply_assigned_to_a_letter_is_forwarded(client, letter, django_capture_on_commit_callbacks):
    _post(client, _payload("lost"))
    reply = Reply.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reply_assign(reply=reply, letter=letter)

    reply.refresh_from_db()
    assert reply.state == ReplyState.ASSIGNED and reply.office == letter.office
    assert [message.to for message in mail.outbox] == [[letter.submission.email]]


def test_an_unreadable_body_assigned_to_a_letter_counts_but_is_not_forwarded_empty(
    client, letter, django_capture_on_commit_callbacks
):
    assert (
        client.post(
            WEBHOOK_URL, data=b"\xff\xfe not json", content_type="application/json", HTTP_AUTHORIZATION=GOOD_AUTH
        ).status_code
        == 200
    )
    reply = Reply.objects.get()
    assert reply.raw_payload and reply.state == ReplyState.TRIAGE
    with django_capture_on_commit_callbacks(execute=True):
        reply_assign(reply=reply, letter=letter)

    reply.refresh_from_db()
    assert reply.state == ReplyState.ASSIGNED and reply.office == letter.office
    assert mail.outbox == []


def test_admin_triage_filter_and_actions(admin_client, letter, campaign, tracked_offices):
    _post(admin_client, _payload("lost-one", MessageID="a"))
    _post(admin_client, _payload("lost-two", MessageID="b"))
    _post(admin_client, _payload(letter.reply_token, MessageID="c"))
    changelist = reverse("admin:tracking_reply_changelist")

    triage_page = admin_client.get(changelist, {"state__exact": "triage"}).content.decode()
    assert triage_page.count('class="action-select"') == 2  # two rows await triage, the matched one is filtered out

    first, second = Reply.objects.filter(state=ReplyState.TRIAGE).order_by("inbound_event_id")
    confirm = admin_client.post(changelist, {"action": "assign_selected", "_selected_action": [first.pk]})
    assert b"Assign replies" in confirm.content
    admin_client.post(
        changelist,
        {
            "action": "assign_selected",
            "_selected_action": [first.pk],
            "apply": "1",
            "campaign": campaign.pk,
            "office": tracked_offices["prague"].pk,
        },
    )
    admin_client.post(changelist, {"action": "discard_selected", "_selected_action": [second.pk]})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.office, first.campaign) == (ReplyState.ASSIGNED, tracked_offices["prague"], campaign)
    assert second.state == ReplyState.DISCARDED and second.body_text == "" and second.from_address == ""


def test_discarded_reply_does_not_count_as_replied(client, letter, campaign):
    _post(client, _payload(letter.reply_token))
    reply_discard(reply=Reply.objects.get())
    assert progress_compute(campaign=campaign).offices_replied == 0


def test_old_reply_content_is_purged_but_still_counts(client, letter, campaign, settings):
    _post(client, _payload(letter.reply_token))
    later = timezone.now() + datetime.timedelta(days=settings.REPLY_RETENTION_DAYS + 1)

    assert reply_content_purge(now=later) == 1

    reply = Reply.objects.get()
    assert reply.body_text == "" and reply.subject == "" and reply.from_address == ""
    assert progress_compute(campaign=campaign).offices_replied == 1


def test_a_reply_in_triage_never_outlives_the_supporters_data(client, letter, settings):
    settings.RETENTION_SUPPORTER_DAYS = 30
    settings.REPLY_RETENTION_DAYS = 365  # an operator's longer wish is capped: replies quote their supporter
    _post(client, _payload("not-a-token", FromName="Consul", TextBody="Dear Jana Nováková, ..."))
    assert Reply.objects.get().state == ReplyState.TRIAGE

    assert reply_content_purge(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert reply_content_purge(now=timezone.now() + datetime.timedelta(days=31)) == 1
    assert "Nováková" not in Reply.objects.get().body_text


def _with_scanned_letter(payload: dict, size: int) -> dict:
    payload["Attachments"] = [
        {
            "Name": "reply-signed.pdf",
            "ContentType": "application/pdf",
            "ContentLength": size,
            "Content": base64.b64encode(b"%PDF-" + b"\0" * (size - 5)).decode(),
        }
    ]
    return payload


def test_reply_with_a_large_scanned_letter_is_accepted_attachment_dropped(client, letter, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, which the rest of the site keeps
    response = _post(client, _with_scanned_letter(_payload(letter.reply_token), size=4 * 1024 * 1024))

    assert response.status_code == 200
    reply = Reply.objects.get()
    assert reply.attachments.get().size == 4 * 1024 * 1024 and "passed it on to Kyiv" in reply.body_text


def test_mail_over_the_request_limit_is_refused_and_nothing_stored(client, letter, settings):
    settings.REPLY_MAX_REQUEST_BYTES = 100_000
    response = _post(client, _with_scanned_letter(_payload(letter.reply_token), size=200_000))
    assert response.status_code == 413
    assert Reply.objects.count() == 0


def test_the_larger_limit_needs_the_webhook_credentials(client, letter, settings):
    response = _post(client, _with_scanned_letter(_payload(letter.reply_token), size=4 * 1024 * 1024), auth=None)
    assert response.status_code in (400, 401, 403)
    assert Reply.objects.count() == 0


def _attachment(name: str, content: bytes, content_type: str = "application/octet-stream") -> dict:
    return {
        "Name": name,
        "ContentType": content_type,
        "ContentLength": len(content),
        "Content": base64.b64encode(content).decode(),
    }


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def test_only_pdfs_and_pictures_are_kept_under_safe_names(client, letter, settings):
    settings.REPLY_ATTACHMENT_MAX_BYTES = 1000
    payload = _payload(
        letter.reply_token,
        Attachments=[
            _attachment("../../etc/cron.d/evil.pdf", b"%PDF-1.7 scanned letter", "application/pdf"),
            _attachment("photo.png", PNG, "image/png"),
            _attachment("invoice.pdf", b"MZ\x90\x00 a Windows program", "application/pdf"),  # lies about its type
            _attachment("macro.docm", b"PK\x03\x04 office file"),
            _attachment("huge.pdf", b"%PDF-" + b"\0" * 2000, "application/pdf"),
        ],
    )
    _post(client, payload)

    reply = Reply.objects.get()
    kept = {attachment.filename: attachment for attachment in reply.attachments.all()}
    assert set(kept) == {"evil.pdf", "photo.png"}
    assert reply.attachments_dropped == 3
    for attachment in kept.values():
        path = Path(attachment.file.path)
        assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "replies" / str(reply.pk))
        assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png)", path.name)


def test_too_many_attachments_are_dropped(client, letter, settings):
    settings.REPLY_ATTACHMENTS_MAX = 2
    _post(client, _payload(letter.reply_token, Attachments=[_attachment(f"p{n}.png", PNG) for n in range(4)]))
    reply = Reply.objects.get()
    assert reply.attachments.count() == 2 and reply.attachments_dropped == 2


def test_attachment_download_is_staff_only_and_never_inline(client, admin_client, letter):
    _post(client, _payload(letter.reply_token))
    attachment = Reply.objects.get().attachments.get()
    url = reverse("tracking:reply_attachment", args=[attachment.pk])

    assert client.get(url).status_code == 302  # to the admin login
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 not really"
    change_page = admin_client.get(reverse("admin:tracking_reply_change", args=[attachment.reply_id]))
    assert url in change_page.content.decode()


def test_discarding_and_purging_delete_the_files(client, letter, campaign, settings):
    _post(client, _payload(letter.reply_token, MessageID="one"))
    _post(client, _payload("unknown", MessageID="two"))
    matched, triaged = Reply.objects.get(inbound_event_id="one"), Reply.objects.get(inbound_event_id="two")
    paths = [Path(attachment.file.path) for attachment in ReplyAttachment.objects.all()]
    assert len(paths) == 2 and all(path.exists() for path in paths)

    reply_discard(reply=triaged)
    reply_content_purge(now=timezone.now() + datetime.timedelta(days=settings.REPLY_RETENTION_DAYS + 1))

    assert not any(path.exists() for path in paths)
    assert ReplyAttachment.objects.count() == 0
    assert progress_compute(campaign=campaign).offices_replied == 1  # the matched reply still counts
    matched.refresh_from_db()
    assert matched.content_erased_at is not None and matched.body_text == ""


def test_subject_with_line_breaks_cannot_inject_headers(client, letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _payload(letter.reply_token, Subject="Re: letter\r\nBcc: victim@example.com"))
    assert Reply.objects.get().subject == "Re: letter Bcc: victim@example.com"
    assert len(mail.outbox) == 1 and mail.outbox[0].bcc == []


def test_malformed_body_with_good_credentials_is_kept_for_triage(client, db):
    # Refusing it would only make Postmark retry, then drop the mail (tests/tracking/test_inbound_never_lost.py).
    response = client.post(WEBHOOK_URL, data="{not json", content_type="application/json", HTTP_AUTHORIZATION=GOOD_AUTH)
    assert response.status_code == 200
    reply = Reply.objects.get()
    assert (reply.state, reply.raw_payload) == (ReplyState.TRIAGE, "{not json")


def test_a_forwarded_reply_speaks_the_language_the_supporter_wrote_in(
    client, campaign, tracked_offices, django_capture_on_commit_callbacks
):
    letter = LetterFactory(
        submission__campaign=campaign, submission__interface_language="cs", office=tracked_offices["brno"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _payload(letter.reply_token))

    (forwarded,) = mail.outbox
    with translation.override("cs"):
        expected = translation.gettext("Reply from %(office)s: %(subject)s") % {
            "office": letter.office.name,
            "subject": Reply.objects.get().subject,
        }
    assert not expected.startswith("Reply from")
    assert forwarded.subject == expected
    assert f"/cs/c/{campaign.slug}/forget/" in forwarded.body  # the erase-my-data link


def test_reply_attachments_live_in_the_shared_bucket_when_one_is_configured(
    client, letter, django_capture_on_commit_callbacks, s3_media
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _payload(letter.reply_token))

    attachment = ReplyAttachment.objects.get()
    assert s3_media() == [f"media/{attachment.file.name}"]
    (forwarded,) = mail.outbox
    ((name, content, mimetype),) = forwarded.attachments
    assert (name, mimetype) == ("answer.pdf", "application/pdf")
    assert content == base64.b64decode(POSTMARK_INBOUND["Attachments"][0]["Content"])


def test_an_organiser_names_a_letter_to_assign_by_number_or_token_within_their_countries(letter, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="x")
    elsewhere = django_user_model.objects.create_user("organiser-at", password="x", is_staff=True)
    organiser_scope_set(user=elsewhere, host_countries=["AT"])

    assert letter_for_reply_assignment(user=superuser, letter_id=letter.pk, reply_token="") == letter
    typed = f"  {letter.reply_token.upper()} "
    assert letter_for_reply_assignment(user=superuser, letter_id=None, reply_token=typed) == letter
    assert letter_for_reply_assignment(user=elsewhere, letter_id=letter.pk, reply_token=typed) is None
