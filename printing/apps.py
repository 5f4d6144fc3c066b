from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "printing"
    label = "printing"
    verbose_name = _("Printing and group batches")
    # Granted to the Organisers group after every migrate (common.permissions).
    organiser_permissions = [
        f"{action}_{model}" for model in ("group", "batch", "signer") for action in ("add", "change", "delete", "view")
    ]
