"""The submissions the outbox sends (by email or by fax): create, confirm (double opt-in), forget."""

import datetime
import enum
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.abuse import rate_limit_hit
from common.queueing import task_queue_on_commit
from embassies.models import Office

from ..models import Campaign, Letter, LetterChannel, LetterStatus, LetterTemplate, Submission
from ..senders import UNLINKED, email_normalise, sender_hash_for
from ..tasks import submission_confirmation_send_task, submission_copy_send_task
from ..tokens import (
    rows_by_token,
    submission_confirm_token,  # noqa: F401  (scripts that confirm without a mailbox import it here)
    submission_token_hashes,
)
from .forget import submissions_personal_data_blank
from .outbox import letters_queue

# Stored in English; the status page translates it.
REASON_ALREADY_SENT = gettext_noop("Not sent: you already sent this letter to this office.")


def submission_from_status_token(*, token: str) -> Submission | None:
    submissions = Submission.objects.select_related("campaign")
    return rows_by_token(queryset=submissions, field="status_token_hash", token=token).first()


class SenderVerdict(enum.Enum):
    ALLOWED = "allowed"
    PROOF_NEEDED = "proof_needed"  # busy shared address: people behind it can still send, after a proof of work
    REFUSED = "refused"


def submission_sender_check(*, client_ip: str, email: str) -> SenderVerdict:
    """Count one email submission. The address's own limit is firm; an IP address is often shared (NAT,
    universities, Tor exits), so past its limit it asks for a proof of work, and only a flood is refused."""
    window = settings.RATE_LIMIT_WINDOW_SECONDS
    over_email = rate_limit_hit(
        scope="letters-email",
        key=email_normalise(email),
        limit=settings.RATE_LIMIT_LETTERS_PER_EMAIL,
        window_seconds=window,
    )
    if over_email or rate_limit_hit(
        scope="letters-ip-ceiling",
        key=client_ip,
        limit=settings.RATE_LIMIT_LETTERS_PER_IP_CEILING,
        window_seconds=window,
    ):
        return SenderVerdict.REFUSED
    if rate_limit_hit(
        scope="letters-ip", key=client_ip, limit=settings.RATE_LIMIT_LETTERS_PER_IP, window_seconds=window
    ):
        return SenderVerdict.PROOF_NEEDED
    return SenderVerdict.ALLOWED


def submission_create(
    *,
    campaign: Campaign,
    template: LetterTemplate,
    offices: list[Office],
    name: str,
    city: str,
    email: str,
    subject: str,
    body: str,
    personal_paragraph: str,
    send_copy: bool,
    interface_language: str,
    share_email: bool = False,
    channel: LetterChannel = LetterChannel.EMAIL,
) -> Submission:
    """Store the supporter's letters as pending and ask them, by email, to confirm. channel: how the outbox
    delivers them, by email or by fax."""
    sender_hash = sender_hash_for(email, campaign_id=campaign.pk)
    with transaction.atomic():
        submission = Submission.objects.create(
            campaign=campaign,
            language=template.language,
            interface_language=interface_language,
            name=name.strip(),
            city=city.strip(),
            email=email_normalise(email),
            sender_hash=sender_hash,
            subject=subject.strip(),
            body=body.strip(),
            personal_paragraph=personal_paragraph.strip(),
            send_copy=send_copy,
            share_email=share_email,
        )
        # Only the hashes are stored; the tokens are recomputed for each email that carries a link.
        Submission.objects.filter(pk=submission.pk).update(**submission_token_hashes(submission=submission))
        Letter.objects.bulk_create(
            Letter(submission=submission, campaign=campaign, office=office, sender_hash=sender_hash, channel=channel)
            for office in offices
        )
        task_queue_on_commit(submission_confirmation_send_task, submission.pk, interface_language)
    return submission


class ConfirmOutcome(enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"
    CAMPAIGN_CLOSED = "campaign_closed"


@dataclass(frozen=True)
class ConfirmResult:
    outcome: ConfirmOutcome
    submission: Submission | None = None


def submission_confirm(*, token: str, interface_language: str) -> ConfirmResult:
    """Queue the letters of a confirmed submission. The link works once; a second use changes nothing."""
    max_age = datetime.timedelta(hours=settings.CONFIRMATION_MAX_AGE_HOURS)
    with transaction.atomic():
        submissions = Submission.objects.select_for_update()
        submission = rows_by_token(queryset=submissions, field="confirm_token_hash", token=token).first()
        if submission is None:
            return ConfirmResult(ConfirmOutcome.INVALID)
        # The link's age counts from the submission; the supporter erased their data, or it is too old to send.
        if submission.erased_at is not None or timezone.now() - submission.created_at > max_age:
            return ConfirmResult(ConfirmOutcome.EXPIRED)
        if submission.confirmed_at is not None:
            return ConfirmResult(ConfirmOutcome.ALREADY_CONFIRMED, submission)
        # Letters of a campaign that closed before confirmation stay unsent and go with the unconfirmed clean-up.
        if not Campaign.objects.open().filter(pk=submission.campaign_id).exists():
            return ConfirmResult(ConfirmOutcome.CAMPAIGN_CLOSED, submission)
        now = timezone.now()
        submission.confirmed_at = now
        submission.save(update_fields=["confirmed_at"])
        queued_ids = [
            letter.pk for letter in submission.letters.filter(status=LetterStatus.PENDING) if _letter_queue(letter, now)
        ]
        letters_queue(letter_ids=queued_ids)
        if submission.send_copy and queued_ids:
            task_queue_on_commit(submission_copy_send_task, submission.pk, interface_language)
    return ConfirmResult(ConfirmOutcome.CONFIRMED, submission)


def _letter_queue(letter: Letter, now: datetime.datetime) -> bool:
    """pending → queued, unless the same sender already has a live letter to that office in this campaign."""
    try:
        with transaction.atomic():
            Letter.objects.filter(pk=letter.pk).update(
                status=LetterStatus.QUEUED, queued_at=now, first_queued_at=now, status_changed_at=now
            )
        return True
    except IntegrityError:
        Letter.objects.filter(pk=letter.pk).update(
            status=LetterStatus.FAILED,
            failure_reason=REASON_ALREADY_SENT,
            status_changed_at=now,
        )
        return False


def submissions_unconfirmed_delete(*, now: datetime.datetime | None = None) -> int:
    """Forget submissions nobody confirmed within RETENTION_UNCONFIRMED_DAYS, with their letters."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.RETENTION_UNCONFIRMED_DAYS)
    stale = Submission.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    count = stale.count()
    stale.delete()
    return count


def submissions_personal_data_erase(*, now: datetime.datetime | None = None) -> int:
    """Blank the personal data of submissions whose letters are all final and older than RETENTION_SUPPORTER_DAYS.

    Letter rows (status, office) and anonymous contact counts stay; the sender hash stays for dedupe.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_SUPPORTER_DAYS)
    due = Submission.objects.filter(erased_at__isnull=True, confirmed_at__isnull=False, created_at__lt=cutoff).exclude(
        letters__status__in=[LetterStatus.PENDING, LetterStatus.QUEUED, LetterStatus.SENDING]
    )
    with transaction.atomic():
        # The replies forwarded to them go too: nothing about a supporter outlives their own data.
        return submissions_personal_data_blank(submission_ids=list(due.values_list("pk", flat=True)), now=now)


def closed_campaigns_sender_hashes_drop(*, today: datetime.date | None = None) -> int:
    """Once a campaign no longer takes letters, nothing needs to recognise its senders: replace each hash by a
    value unique to the row, which links nothing. Returns the number of letters unlinked."""
    closed = Campaign.objects.exclude(pk__in=Campaign.objects.open(today=today).values("pk"))
    letters = Letter.objects.filter(campaign__in=closed).exclude(sender_hash__startswith=UNLINKED)
    unlinked = letters.update(sender_hash=Concat(Value(UNLINKED + "letter-"), Cast("pk", CharField())))
    Submission.objects.filter(campaign__in=closed).exclude(sender_hash__startswith=UNLINKED).update(
        sender_hash=Concat(Value(UNLINKED + "submission-"), Cast("pk", CharField()))
    )
    return unlinked
