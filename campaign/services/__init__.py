"""Writes for campaigns. Keyword-only, typed, named <noun>_<verb>; split by responsibility:
submissions (the supporter's request and its confirmation), outbox (sending each letter), contacts (counts)."""

from .contacts import contact_record, contacts_mark_once_a_day
from .forget import forget_links_request, submission_from_forget_token, submission_personal_data_forget
from .outbox import letter_claim, letter_send, letters_requeue, letters_sweep
from .submissions import (
    SenderVerdict,
    submission_confirm,
    submission_create,
    submission_sender_check,
    submissions_personal_data_erase,
    submissions_unconfirmed_delete,
)

__all__ = [
    "contact_record",
    "forget_links_request",
    "letter_claim",
    "letter_send",
    "letters_requeue",
    "letters_sweep",
    "contacts_mark_once_a_day",
    "submission_confirm",
    "submission_create",
    "submission_from_forget_token",
    "submission_personal_data_forget",
    "submission_sender_check",
    "SenderVerdict",
    "submissions_personal_data_erase",
    "submissions_unconfirmed_delete",
]
