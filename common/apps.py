from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from .converters import DatabaseIdConverter


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Shared helpers")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .permissions import organiser_permissions_grant

        # One receiver for every app: each AppConfig lists its own `organiser_permissions`.
        post_migrate.connect(organiser_permissions_grant, dispatch_uid="common.organiser_permissions")
        # `<id:office_id>` in every app's URLs: registered once, before any URLconf is read.
        register_converter(DatabaseIdConverter, "id")
