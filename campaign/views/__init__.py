from .letters import check_inbox, forget_request, letter_status, submission_confirm, submission_forget
from .supporter import campaign_detail, campaign_list, letter_form, privacy
from .theme import campaign_theme

__all__ = [
    "forget_request",
    "campaign_detail",
    "campaign_list",
    "campaign_theme",
    "check_inbox",
    "letter_form",
    "letter_status",
    "privacy",
    "submission_confirm",
    "submission_forget",
]
