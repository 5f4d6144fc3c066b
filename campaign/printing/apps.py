from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

ORGANISER_CODENAMES = [
    f"{action}_{model}" for model in ("group", "batch", "signer") for action in ("add", "change", "delete", "view")
]


def organiser_permissions_grant(sender, **kwargs) -> None:
    from embassies.services import organiser_group_grant

    organiser_group_grant(app_label="printing", codenames=ORGANISER_CODENAMES)


class PrintingConfig(AppConfig):
    name = "campaign.printing"
    label = "printing"
    verbose_name = _("Printing and group batches")

    def ready(self) -> None:
        post_migrate.connect(organiser_permissions_grant, sender=self, dispatch_uid="printing-organiser-perms")
