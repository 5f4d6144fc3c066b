from .letters import check_inbox, letter_status, submission_confirm
from .supporter import campaign_detail, campaign_list, letter_form

__all__ = ["campaign_detail", "campaign_list", "check_inbox", "letter_form", "letter_status", "submission_confirm"]
