from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    label = "tracking"
    verbose_name = _("Tracking and replies")
    # Granted to the Organisers group after every migrate (common.permissions).
    organiser_permissions = [
        "view_dashboard",
        "view_reply",
        "change_reply",
        "add_callscript",
        "change_callscript",
        "delete_callscript",
        "view_callscript",
        "view_surveyanswer",
    ]

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
