"""Writes of the fax channel: a gateway's report that a fax went through or failed."""

import logging

from django.db import transaction
from django.utils import timezone

from campaign.models import Letter, LetterChannel, LetterStatus

logger = logging.getLogger(__name__)

# Sinch's final statuses of a fax; anything else is not yet an outcome.
SINCH_OUTCOMES = {"COMPLETED": LetterStatus.DELIVERED, "FAILURE": LetterStatus.FAILED}
# A report may overtake the worker that records the letter as sent.
REPORTABLE_FROM = [LetterStatus.SENDING, LetterStatus.SENT]


class FaxReportTooEarly(Exception):
    """The letter is back in the queue after an attempt that may have reached the gateway (its answer was lost):
    the retry will find the fax and record it. Until then the report must be sent again, not dropped."""


def fax_report_apply(*, letter_id: int, fax_id: str, status: str, reason: str) -> bool:
    """Apply a gateway's final word on one fax letter. True if it changed the letter; the same report again, a
    report on another fax or a status that is not final changes nothing. Raises FaxReportTooEarly."""
    outcome = SINCH_OUTCOMES.get(status)
    if outcome is None:
        return False
    with transaction.atomic():
        letter = Letter.objects.select_for_update().filter(pk=letter_id, channel=LetterChannel.FAX).first()
        if letter is not None and letter.status == LetterStatus.QUEUED and letter.attempts > 0:
            raise FaxReportTooEarly
        if letter is None or letter.status not in REPORTABLE_FROM:
            return False
        if letter.esp_message_id and letter.esp_message_id != fax_id:
            logger.warning("fax report for letter %s names fax %s, not its own", letter_id, fax_id)
            return False
        letter.status = outcome
        letter.failure_reason = "" if outcome == LetterStatus.DELIVERED else fax_failure_reason(reason)
        letter.status_changed_at = timezone.now()
        letter.save(update_fields=["status", "failure_reason", "status_changed_at"])
    logger.info("fax letter %s: %s", letter_id, outcome)
    return True


def fax_failure_reason(reason: str) -> str:
    return f"The fax did not go through: {reason or 'no reason given'}"[:500]
