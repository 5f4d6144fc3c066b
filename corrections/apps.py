from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrectionsConfig(AppConfig):
    name = "corrections"
    verbose_name = _("Corrections to the directory")
    # Granted to the Organisers group after every migrate (common.permissions). Reports come from the public, so
    # organisers review them (and delete spam) rather than add them.
    organiser_permissions = ["view_officereport", "change_officereport", "delete_officereport"]
