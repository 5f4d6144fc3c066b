from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events at offices")
    # Granted to the Organisers group after every migrate (common.permissions). Events are proposed by the public,
    # so organisers review and report on them rather than add them.
    organiser_permissions = [
        "view_event",
        "change_event",
        "delete_event",
        "view_eventphoto",
        "add_eventphoto",
        "change_eventphoto",
        "delete_eventphoto",
    ]
