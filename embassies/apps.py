from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbassiesConfig(AppConfig):
    name = "embassies"
    verbose_name = _("Directory of diplomatic offices")
    # What an organiser needs for the directory (common.permissions). Offices are never deleted (closed ones stay,
    # inactive); their opening hours are rows an organiser replaces.
    organiser_permissions = [
        "view_office", "add_office", "change_office",
        "view_officehours", "add_officehours", "change_officehours", "delete_officehours",
    ]  # fmt: skip
