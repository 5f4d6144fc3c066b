"""Writes of the fax channel: a gateway's report that a fax went through or failed, and the gateway's copy of the
letter deleted once it has."""

import logging

from django.db import transaction

from campaign.models import Letter, LetterChannel, LetterStatus
from common.queueing import task_queue_on_commit

from .models import FaxGateway, GatewayKind
from .sinch import SinchFaxApi
from .tasks import fax_content_delete_task

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
        letter.save(update_fields=["status", "failure_reason", "status_changed_at"])
        task_queue_on_commit(fax_content_delete_task, letter_id, fax_id)
    logger.info("fax letter %s: %s", letter_id, outcome)
    return True


def fax_failure_reason(reason: str) -> str:
    return f"The fax did not go through: {reason or 'no reason given'}"[:500]


def fax_content_delete(*, letter_id: int, fax_id: str) -> bool:
    """Sinch keeps each fax's document, the supporter's letter, for 13 months: once the fax has its outcome, ask
    Sinch to delete it. True when Sinch no longer has it. Raises FaxApiError for the task to retry."""
    letter = Letter.objects.select_related("office").filter(pk=letter_id, channel=LetterChannel.FAX).first()
    if letter is None or not fax_id:
        return False
    # Even a gateway switched off since: its account still holds the letter.
    gateway = FaxGateway.objects.filter(host_country=letter.office.host_country, kind=GatewayKind.SINCH).first()
    if gateway is None:
        return False
    SinchFaxApi(gateway).fax_content_delete(fax_id=fax_id)
    logger.info("fax letter %s: Sinch's copy deleted", letter_id)
    return True
