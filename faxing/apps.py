from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FaxingConfig(AppConfig):
    name = "faxing"
    verbose_name = _("Fax gateways")
    # Granted to the Organisers group after every migrate (common.permissions): organisers set up the gateway of
    # their own countries, which is paid for by them.
    organiser_permissions = ["view_faxgateway", "add_faxgateway", "change_faxgateway", "delete_faxgateway"]
