from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbassiesConfig(AppConfig):
    name = "embassies"
    verbose_name = _("Directory of diplomatic offices")
    # What an organiser needs for the directory (common.permissions). No delete: closed offices stay, inactive.
    organiser_permissions = ["view_office", "add_office", "change_office"]
