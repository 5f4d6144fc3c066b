from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaigns and letters")

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers system checks, connects signal receivers)
