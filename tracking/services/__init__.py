"""Writes for tracking. Keyword-only, typed, named <noun>_<verb>."""

from .calls import call_log, call_scripts_add_missing, call_scripts_read
from .delivery import delivery_events_parked_apply, letter_delivery_apply
from .replies import (
    replies_content_erase,
    reply_assign,
    reply_content_purge,
    reply_discard,
    reply_forward,
    reply_receive,
)
from .survey import survey_answer_record, survey_send, survey_token_make

__all__ = [
    "call_log",
    "call_scripts_add_missing",
    "call_scripts_read",
    "delivery_events_parked_apply",
    "letter_delivery_apply",
    "reply_assign",
    "replies_content_erase",
    "reply_content_purge",
    "reply_discard",
    "reply_forward",
    "reply_receive",
    "survey_answer_record",
    "survey_send",
    "survey_token_make",
]
