"""The email channel end to end with anymail's test backend: submit, confirm, one message per office."""

import datetime
import email.utils

from django.urls import reverse

import pytest

from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus, ReplyCapture, Submission
from campaign.senders import sender_hash_for
from campaign.tasks import submission_confirmation_send_task
from campaign.tokens import submission_status_token

from .conftest import confirm_link
from .esp_backends import FlakyBackend

pytestmark = pytest.mark.django_db(transaction=True)

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])


def submit_and_confirm(client, letter_data, outbox, **overrides):
    response = client.post(FORM_URL, letter_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    link = confirm_link(outbox[-1])
    return client.post(link.replace("http://127.0.0.1:8000", ""), follow=True)


def test_submission_waits_for_confirmation_and_asks_by_email(client, campaign, letter_data, outbox):
    response = client.post(FORM_URL, letter_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:check_inbox", args=["law-13673"])
    submission = Submission.objects.get()
    assert submission.email == "jana@example.org"
    assert submission.sender_hash == sender_hash_for("jana@example.org", campaign_id=submission.campaign_id)
    assert set(submission.letters.values_list("status", flat=True)) == {LetterStatus.PENDING}
    assert len(outbox) == 1
    assert outbox[0].to == ["jana@example.org"]
    assert "/c/law-13673/confirm/" in outbox[0].body
    assert "Embassy of Ukraine in Czechia" in outbox[0].body


def test_confirmation_sends_one_personalised_letter_per_office(client, campaign, offices, letter_data, outbox):
    response = submit_and_confirm(client, letter_data, outbox)

    letters = {letter.office_id: letter for letter in Letter.objects.all()}
    assert {letter.status for letter in letters.values()} == {LetterStatus.SENT}
    sent = {message.to[0]: message for message in outbox[1:]}
    assert set(sent) == {offices["embassy"].email, offices["consulate"].email}
    embassy_mail = sent[offices["embassy"].email]
    assert embassy_mail.body.startswith("Dear Ambassador,\n\nWe write on behalf of the citizens of Czechia.")
    assert "My neighbour fled the draft" in embassy_mail.body
    assert embassy_mail.body.rstrip().endswith("Yours sincerely,\nJana Nováková\nBrno")
    assert sent[offices["consulate"].email].body.startswith("Dear Consul,")
    assert email.utils.parseaddr(embassy_mail.from_email) == ("Jana Nováková", "letters@example.org")
    token = letters[offices["embassy"].pk].reply_token
    assert embassy_mail.reply_to == [f"{token}@reply.example.org"]
    assert embassy_mail.cc == []
    assert embassy_mail.anymail_test_params["metadata"] == {"letter_ref": token}
    assert ContactEvent.objects.filter(channel=ContactChannel.EMAIL_SENT).count() == 2
    page = response.content.decode()
    assert page.count('data-status="sent"') == 2


@pytest.mark.parametrize(
    ("capture", "share_email", "expect_reply_to_supporter", "expect_cc_token"),
    [
        (ReplyCapture.OFF, "on", True, False),
        (ReplyCapture.CC, "on", True, True),
        (ReplyCapture.REPLY_TO, "on", False, False),
        (ReplyCapture.OFF, "", False, False),
        (ReplyCapture.CC, "", False, False),
    ],
)
def test_the_supporters_address_reaches_the_office_only_when_they_choose(
    client, campaign, letter_data, outbox, capture, share_email, expect_reply_to_supporter, expect_cc_token
):
    campaign.reply_capture = capture
    campaign.save()
    submit_and_confirm(client, letter_data, outbox, office_keys=("embassy",), share_email=share_email)

    letter = Letter.objects.get()
    message = outbox[-1]
    reply_address = f"{letter.reply_token}@reply.example.org"
    assert (message.reply_to == ["jana@example.org"]) is expect_reply_to_supporter
    assert (message.cc == [reply_address]) is expect_cc_token
    if not expect_reply_to_supporter:
        assert message.reply_to == [reply_address]
        assert "jana@example.org" not in str(message.message())


def test_copy_to_the_supporter_is_a_separate_message(client, campaign, offices, letter_data, outbox):
    submit_and_confirm(client, letter_data, outbox, send_copy="on")

    copies = [message for message in outbox if message.to == ["jana@example.org"] and "Your copy" in message.subject]
    assert len(copies) == 1
    letters_to_offices = [message for message in outbox if message.to[0] in {o.email for o in offices.values()}]
    assert all("jana@example.org" not in message.cc + message.bcc for message in letters_to_offices)


def test_confirmation_link_works_once(client, campaign, letter_data, outbox):
    submit_and_confirm(client, letter_data, outbox)
    messages_after_first = len(outbox)

    again = client.post(confirm_link(outbox[0]).replace("http://127.0.0.1:8000", ""))

    assert again.status_code == 200
    assert "already used" in again.content.decode()
    assert len(outbox) == messages_after_first
    assert Letter.objects.filter(status=LetterStatus.SENT).count() == 2


@pytest.mark.parametrize("method", ["head", "get", "options"])
def test_only_the_buttons_post_confirms_so_mail_scanners_opening_links_confirm_nothing(
    client, campaign, letter_data, outbox, method
):
    client.post(FORM_URL, letter_data())
    link = confirm_link(outbox[0]).replace("http://127.0.0.1:8000", "")

    probe = getattr(client, method)(link)

    assert probe.status_code in (200, 405)
    if method == "get":
        assert 'method="post"' in probe.content.decode()
    assert Submission.objects.get().confirmed_at is None
    assert Letter.objects.filter(status=LetterStatus.PENDING).count() == 2
    assert len(outbox) == 1
    assert client.post(link, follow=True).status_code == 200
    assert Letter.objects.filter(status=LetterStatus.SENT).count() == 2


def test_tampered_confirmation_link_is_refused(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    link = confirm_link(outbox[0]).replace("http://127.0.0.1:8000", "")
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]

    response = client.post(tampered)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert Letter.objects.filter(status=LetterStatus.PENDING).count() == 2


def test_expired_confirmation_link_is_refused(client, campaign, letter_data, outbox, settings):
    client.post(FORM_URL, letter_data())
    link = confirm_link(outbox[0]).replace("http://127.0.0.1:8000", "")
    settings.CONFIRMATION_MAX_AGE_HOURS = 0

    response = client.post(link)

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Letter.objects.filter(status=LetterStatus.PENDING).count() == 2
    assert len(outbox) == 1


def test_same_letter_never_goes_twice_to_the_same_office(client, campaign, offices, letter_data, outbox):
    submit_and_confirm(client, letter_data, outbox)

    second = client.post(FORM_URL, letter_data(email="jana@example.org"))

    assert second.status_code == 200
    assert "You have already sent this letter to" in second.content.decode()
    assert Submission.objects.count() == 1


def test_two_pending_submissions_confirmed_send_only_once(client, campaign, offices, letter_data, outbox):
    """Both submitted before either was confirmed: the second confirmation must not send again."""
    client.post(FORM_URL, letter_data())
    first_link = confirm_link(outbox[-1])
    client.post(FORM_URL, letter_data(office_keys=("embassy",)))
    second_link = confirm_link(outbox[-1])

    client.post(first_link.replace("http://127.0.0.1:8000", ""))
    client.post(second_link.replace("http://127.0.0.1:8000", ""))

    to_embassy = [message for message in outbox if message.to == [offices["embassy"].email]]
    assert len(to_embassy) == 1
    duplicate = Letter.objects.get(submission__in=Submission.objects.order_by("-pk")[:1])
    assert duplicate.status == LetterStatus.FAILED
    assert "already sent" in duplicate.failure_reason


def test_status_page_with_a_bad_token_is_404(client, campaign):
    response = client.get(reverse("campaign:letter_status", args=["law-13673", "nonsense:token"]))
    assert response.status_code == 404


def test_letters_render_the_submission_date(client, campaign, letter_data, outbox):
    campaign.templates.update(body="{salutation}, {date}")
    submit_and_confirm(client, letter_data, outbox)
    assert str(datetime.date.today().year) in outbox[-1].body


def test_a_redelivered_confirmation_task_does_not_mail_twice(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    submission_confirmation_send_task.delay(Submission.objects.get().pk, "en")

    assert len(outbox) == 1


def test_a_failed_confirmation_email_is_retried(client, campaign, letter_data, outbox, settings, eager_retries):
    settings.EMAIL_BACKEND = "tests.campaign.esp_backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    try:
        client.post(FORM_URL, letter_data())
    finally:
        FlakyBackend.failures_left = 0

    assert len(outbox) == 1
    assert "/confirm/" in outbox[0].body


def test_status_page_shows_each_failure_reason_escaped(client, campaign, offices, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    submission = Submission.objects.get()
    embassy, consulate = submission.letters.order_by("office__kind")
    Letter.objects.filter(pk=embassy.pk).update(
        status=LetterStatus.FAILED, failure_reason="HTTP 422: <b>Invalid</b> 'To'"
    )
    Letter.objects.filter(pk=consulate.pk).update(
        status=LetterStatus.FAILED, failure_reason="Not sent: you already sent this letter to this office."
    )

    page = client.get(
        reverse("campaign:letter_status", args=["law-13673", submission_status_token(submission=submission)])
    ).content.decode()

    assert "HTTP 422: &lt;b&gt;Invalid&lt;/b&gt;" in page and "<b>Invalid</b>" not in page
    assert "Not sent: you already sent this letter to this office." in page


def test_letters_of_a_campaign_that_closed_before_confirmation_are_not_sent(client, campaign, letter_data, outbox):
    client.post(FORM_URL, letter_data())
    link = confirm_link(outbox[0]).replace("http://127.0.0.1:8000", "")
    campaign.is_open = False
    campaign.save(update_fields=["is_open"])

    response = client.post(link)

    assert response.status_code == 400
    assert "This campaign has closed" in response.content.decode()
    assert Letter.objects.filter(status=LetterStatus.PENDING).count() == 2
    assert len(outbox) == 1  # only the confirmation request; no letter left
    assert Submission.objects.get().confirmed_at is None
