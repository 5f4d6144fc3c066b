"""A supporter erases their own data: from a link in any email they got, or in the status page.

The link (campaign/tokens.py) keeps working after erasure, and then changes nothing.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.abuse import rate_limit_hit
from common.mail import mail_send
from common.queueing import task_queue_on_commit

from ..emails import forget_links_message_build
from ..models import Letter, LetterStatus, Submission
from ..senders import UNLINKED, email_normalise
from ..signals import submission_erased
from ..tasks import forget_links_send_task
from ..tokens import rows_by_token

# Stored in English; the status page translates it.
REASON_WITHDRAWN = gettext_noop("Not sent: you withdrew the letter and erased your data.")
NOT_YET_SENT = [LetterStatus.PENDING, LetterStatus.QUEUED]


def submission_from_forget_token(*, token: str) -> Submission | None:
    submissions = Submission.objects.select_related("campaign")
    return rows_by_token(queryset=submissions, field="forget_token_hash", token=token).first()


def submission_personal_data_forget(*, submission: Submission) -> bool:
    """Erase the supporter's name, address, city and letter now, with the replies forwarded to them.

    Letters not yet sent are withdrawn; sent ones keep their status, and the anonymous counts stay. The
    duplicate-guard hash is replaced by a random value, so nothing links the letters to the address any more.
    True if there was anything to erase.
    """
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission.pk).first()
        if submission is None or submission.erased_at is not None:
            return False
        now = timezone.now()
        unlinked = f"{UNLINKED}{secrets.token_hex(16)}"
        letters = Letter.objects.filter(submission=submission)
        letters.filter(status__in=NOT_YET_SENT).update(
            status=LetterStatus.FAILED, failure_reason=REASON_WITHDRAWN, status_changed_at=now
        )
        letters.update(sender_hash=unlinked)
        submissions_personal_data_blank(submission_ids=[submission.pk], now=now, sender_hash=unlinked)
    return True


def submissions_personal_data_blank(*, submission_ids: list[int], now: datetime.datetime, **also: str) -> int:
    """Blank the supporters' name, address, city and letter, and tell the apps that hold their replies.
    Call inside a transaction."""
    # The status link goes too: which offices someone wrote to is theirs to erase. The erase link stays (a second
    # click tells them it is done), and so does the confirmation link (a late click says "expired").
    erased = Submission.objects.filter(pk__in=submission_ids).update(
        name="",
        city="",
        email="",
        subject="",
        body="",
        personal_paragraph="",
        status_token_hash="",
        erased_at=now,
        **also,
    )
    letter_ids = list(Letter.objects.filter(submission_id__in=submission_ids).values_list("pk", flat=True))
    submission_erased.send(sender=Submission, letter_ids=letter_ids)
    return erased


def forget_links_request(*, email: str, client_ip: str, language: str) -> None:
    """Someone asks, by address, for the erase links of its letters. The page answers the same whether or not the
    address wrote (nobody learns who took part); the links go only to the address itself.

    Raises GuardUnavailable when the rate limits cannot count.
    """
    window = settings.RATE_LIMIT_WINDOW_SECONDS
    address = email_normalise(email)
    if rate_limit_hit(
        scope="forget-ip", key=client_ip, limit=settings.RATE_LIMIT_LETTERS_PER_IP, window_seconds=window
    ) or rate_limit_hit(scope="forget-email", key=address, limit=2, window_seconds=window):
        return
    submission_ids = list(Submission.objects.filter(email=address, erased_at__isnull=True).values_list("pk", flat=True))
    if submission_ids:
        task_queue_on_commit(forget_links_send_task, submission_ids, language)


def forget_links_send(*, submission_ids: list[int], language: str) -> bool:
    submissions = list(
        Submission.objects.select_related("campaign").filter(pk__in=submission_ids, erased_at__isnull=True)
    )
    addresses = {submission.email for submission in submissions if submission.email}
    if len(addresses) != 1:
        return False
    mail_send(forget_links_message_build(submissions=submissions, language=language))
    return True
