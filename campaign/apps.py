from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaigns and letters")
    # Granted to the Organisers group after every migrate (common.permissions).
    organiser_permissions = [
        "add_campaign",
        "change_campaign",
        "view_campaign",
        "add_lettertemplate",
        "change_lettertemplate",
        "delete_lettertemplate",
        "view_lettertemplate",
        "view_letter",
        "view_contactevent",
    ]
