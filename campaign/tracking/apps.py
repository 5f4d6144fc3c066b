from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

ORGANISER_CODENAMES = [
    "view_dashboard",
    "view_reply",
    "change_reply",
    "add_callscript",
    "change_callscript",
    "delete_callscript",
    "view_callscript",
    "view_surveyanswer",
]


def _organisers_grant(sender, **kwargs):
    from embassies.services import organiser_group_grant

    organiser_group_grant(app_label="tracking", codenames=ORGANISER_CODENAMES)


class TrackingConfig(AppConfig):
    name = "campaign.tracking"
    label = "tracking"
    verbose_name = _("Tracking and replies")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)

        post_migrate.connect(_organisers_grant, sender=self, dispatch_uid="tracking.organisers_grant")
