from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbassiesConfig(AppConfig):
    name = "embassies"
    verbose_name = _("Directory of diplomatic offices")
