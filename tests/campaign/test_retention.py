"""Retention: unconfirmed submissions are deleted, personal data of sent letters is erased."""

import datetime

from django.utils import timezone

import pytest

from campaign.models import Campaign, ContactEvent, Letter, LetterStatus, Submission
from campaign.senders import sender_hash_for
from campaign.services import contact_record, submissions_personal_data_erase, submissions_unconfirmed_delete
from campaign.services.submissions import closed_campaigns_sender_hashes_drop
from campaign.tasks import submissions_personal_data_erase_task, submissions_unconfirmed_delete_task
from tests.factories import CampaignFactory, SubmissionFactory, VerifiedOfficeFactory
from tracking.models import Reply, ReplyState

pytestmark = pytest.mark.django_db


def submission_with_letter(*, age_days: int, confirmed: bool, status: str) -> Submission:
    campaign = CampaignFactory()
    submission = SubmissionFactory(
        campaign=campaign, email="jana@example.org", sender_hash="h", confirmed_at=timezone.now() if confirmed else None
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=timezone.now() - datetime.timedelta(days=age_days))
    Letter.objects.create(
        submission=submission, campaign=campaign, office=VerifiedOfficeFactory(), sender_hash="h", status=status
    )
    return submission


def test_unconfirmed_submissions_are_deleted_after_seven_days(settings):
    settings.RETENTION_UNCONFIRMED_DAYS = 7
    old = submission_with_letter(age_days=8, confirmed=False, status=LetterStatus.PENDING)
    recent = submission_with_letter(age_days=6, confirmed=False, status=LetterStatus.PENDING)
    confirmed = submission_with_letter(age_days=30, confirmed=True, status=LetterStatus.SENT)

    assert submissions_unconfirmed_delete_task.delay().get() == 1

    assert not Submission.objects.filter(pk=old.pk).exists()
    assert not Letter.objects.filter(submission_id=old.pk).exists()
    assert Submission.objects.filter(pk__in=[recent.pk, confirmed.pk]).count() == 2


def test_personal_data_is_erased_once_letters_are_final_and_retention_passed(settings):
    settings.RETENTION_SUPPORTER_DAYS = 30
    due = submission_with_letter(age_days=31, confirmed=True, status=LetterStatus.DELIVERED)
    contact_record(campaign=due.campaign, office=due.letters.get().office, channel="email_sent")
    still_sending = submission_with_letter(age_days=31, confirmed=True, status=LetterStatus.QUEUED)
    too_recent = submission_with_letter(age_days=10, confirmed=True, status=LetterStatus.SENT)

    assert submissions_personal_data_erase_task.delay().get() == 1

    due.refresh_from_db()
    assert (due.name, due.city, due.email, due.subject, due.body, due.personal_paragraph) == ("",) * 6
    assert due.erased_at is not None
    assert due.sender_hash == "h"
    assert due.letters.get().status == LetterStatus.DELIVERED
    assert ContactEvent.objects.count() == 1
    for kept in (still_sending, too_recent):
        kept.refresh_from_db()
        assert kept.email == "jana@example.org" and kept.erased_at is None
    assert submissions_personal_data_erase() == 0  # nothing left to erase
    assert submissions_unconfirmed_delete() == 0


def test_erasing_a_supporters_data_erases_the_replies_forwarded_to_them(settings):
    settings.RETENTION_SUPPORTER_DAYS = 30
    submission = submission_with_letter(age_days=31, confirmed=True, status=LetterStatus.DELIVERED)
    letter = submission.letters.get()
    reply = Reply.objects.create(
        state=ReplyState.MATCHED,
        letter=letter,
        office=letter.office,
        campaign=letter.campaign,
        from_address="consul@mfa.example",
        subject="Re: your letter, Jana",
        body_text="Dear Jana, we passed it on.",
        received_at=timezone.now(),
    )

    assert submissions_personal_data_erase() == 1

    reply.refresh_from_db()
    assert (reply.subject, reply.body_text, reply.from_address) == ("", "", "")
    assert reply.content_erased_at is not None


def test_sender_hashes_are_per_campaign_and_dropped_when_the_campaign_closes():
    first, second = CampaignFactory(), CampaignFactory()
    assert sender_hash_for("Jana@example.org", campaign_id=first.pk) != sender_hash_for(
        "jana@example.org", campaign_id=second.pk
    )
    closed = submission_with_letter(age_days=1, confirmed=True, status=LetterStatus.SENT)
    still_open = submission_with_letter(age_days=1, confirmed=True, status=LetterStatus.SENT)
    Campaign.objects.filter(pk=closed.campaign_id).update(is_open=False)
    counts = ContactEvent.objects.count()

    assert closed_campaigns_sender_hashes_drop() == 1
    assert closed_campaigns_sender_hashes_drop() == 0

    letter = closed.letters.get()
    assert letter.sender_hash == f"unlinked:letter-{letter.pk}"
    assert Submission.objects.get(pk=closed.pk).sender_hash == f"unlinked:submission-{closed.pk}"
    assert Submission.objects.get(pk=still_open.pk).sender_hash == "h"
    assert letter.status == LetterStatus.SENT and ContactEvent.objects.count() == counts
