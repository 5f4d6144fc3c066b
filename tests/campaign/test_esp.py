"""The ESP adapter: chosen by settings; classifies the ESP's answers; Postmark answers "was it accepted?"."""

from django.utils import timezone

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.message import AnymailMessage, AnymailRecipientStatus

from campaign.esp import AnymailAdapter, EspAdapter, EspLookupError, SendResult, esp_adapter
from campaign.esp.postmark import PostmarkAdapter
from campaign.models import ContactChannel, ContactEvent, Letter, LetterStatus
from campaign.services.outbox import letter_send
from tests.campaign.esp_backends import FlakyBackend, esp_error
from tests.factories import LetterFactory
from tests.integration.fake_postmark import SERVER_TOKEN, FakePostmark

pytestmark = pytest.mark.django_db


class TooManyRequestsBackend(AnymailTestBackend):
    def post_to_esp(self, payload, message):
        raise esp_error(429, "Rate limit exceeded")


class AddressRejectedBackend(AnymailTestBackend):
    def post_to_esp(self, payload, message):
        status = AnymailRecipientStatus(message_id=None, status="rejected")
        return {"recipient_status": dict.fromkeys(payload.recipient_emails, status)}


class AlreadyAcceptedAdapter(AnymailAdapter):
    """An ESP that says it already took every letter, as message esp-earlier."""

    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        return "esp-earlier"


class UnreachableLookupAdapter(AnymailAdapter):
    def accepted_message_id(self, *, letter_ref: str) -> str | None:
        raise EspLookupError("no answer")


def message_to(recipient: str) -> AnymailMessage:
    return AnymailMessage(subject="Protest", body="Text", from_email="letters@example.org", to=[recipient])


def test_the_adapter_is_chosen_by_settings(settings):
    settings.LETTER_ESP_ADAPTER = "campaign.esp.postmark.PostmarkAdapter"
    assert isinstance(esp_adapter(), PostmarkAdapter)
    settings.LETTER_ESP_ADAPTER = "campaign.esp.AnymailAdapter"
    assert type(esp_adapter()) is AnymailAdapter
    assert isinstance(esp_adapter(), EspAdapter)


def test_accepted_message_gets_its_id():
    outcome = AnymailAdapter().send(message=message_to("office@example.org"), recipient="office@example.org")
    assert outcome.result == SendResult.ACCEPTED
    assert outcome.message_id


@pytest.mark.parametrize(
    ("backend", "result", "reason"),
    [
        ("tests.campaign.esp_backends.FlakyBackend", SendResult.TRY_LATER, "HTTP 503: Service Unavailable"),
        ("tests.campaign.test_esp.TooManyRequestsBackend", SendResult.TRY_LATER, "HTTP 429: Rate limit exceeded"),
        ("tests.campaign.esp_backends.RejectingBackend", SendResult.REFUSED, "HTTP 422: Invalid 'To' address"),
        ("tests.campaign.test_esp.AddressRejectedBackend", SendResult.REFUSED, "All message recipients were rejected"),
    ],
)
def test_the_esp_answer_decides_between_retry_and_failure(settings, monkeypatch, backend, result, reason):
    monkeypatch.setattr(FlakyBackend, "failures_left", 1)
    settings.EMAIL_BACKEND = backend

    outcome = AnymailAdapter().send(message=message_to("office@example.org"), recipient="office@example.org")

    assert outcome.result == result
    assert outcome.reason.startswith(reason)


def _retried_letter() -> Letter:
    """A queued letter whose earlier attempt may have reached the ESP."""
    return LetterFactory(status=LetterStatus.QUEUED, attempts=1, sent_at=None, queued_at=timezone.now())


def test_a_letter_the_esp_already_took_is_marked_sent_not_sent_again(settings, mailoutbox):
    settings.LETTER_ESP_ADAPTER = "tests.campaign.test_esp.AlreadyAcceptedAdapter"
    letter = _retried_letter()

    assert letter_send(letter_id=letter.pk) == LetterStatus.SENT

    letter.refresh_from_db()
    assert (letter.status, letter.esp_message_id) == (LetterStatus.SENT, "esp-earlier")
    assert mailoutbox == []
    assert ContactEvent.objects.filter(office=letter.office, channel=ContactChannel.EMAIL_SENT).count() == 1


def test_a_letter_is_never_resent_blindly_when_the_esp_cannot_answer(settings, mailoutbox):
    settings.LETTER_ESP_ADAPTER = "tests.campaign.test_esp.UnreachableLookupAdapter"
    letter = _retried_letter()

    with pytest.raises(Exception, match="no answer"):
        letter_send(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert mailoutbox == []


@pytest.fixture
def fake_postmark(settings):
    server = FakePostmark().start()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_SERVER_TOKEN": SERVER_TOKEN, "POSTMARK_API_URL": server.url}
    yield server
    server.stop()


def test_postmark_finds_a_letter_it_accepted_by_its_reference(fake_postmark):
    message = message_to("office@example.org")
    message.metadata = {"letter_ref": "ref-123"}
    sent = PostmarkAdapter().send(message=message, recipient="office@example.org")

    assert sent.result == SendResult.ACCEPTED
    assert PostmarkAdapter().accepted_message_id(letter_ref="ref-123") == sent.message_id
    assert PostmarkAdapter().accepted_message_id(letter_ref="ref-never-sent") is None


def test_postmark_lookup_that_cannot_answer_raises(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_API_URL": "http://127.0.0.1:9/"}  # nothing listens there
    with pytest.raises(EspLookupError):
        PostmarkAdapter().accepted_message_id(letter_ref="ref-123")
