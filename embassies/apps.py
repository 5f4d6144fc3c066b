from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What an organiser needs for the directory. No delete: closed offices stay, with active unticked.
ORGANISER_CODENAMES = ["view_office", "add_office", "change_office"]


def organisers_grant_directory(sender, **kwargs) -> None:
    from .services import organiser_group_grant

    organiser_group_grant(app_label="embassies", codenames=ORGANISER_CODENAMES)


class EmbassiesConfig(AppConfig):
    name = "embassies"
    verbose_name = _("Directory of diplomatic offices")

    def ready(self) -> None:
        post_migrate.connect(organisers_grant_directory, sender=self, dispatch_uid="embassies.organisers_grant")
