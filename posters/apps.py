from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "posters"
    verbose_name = _("Posters and flyers")
    # Granted to the Organisers group after every migrate (common.permissions). Posters are campaign material,
    # shared by every country like the campaign's texts.
    organiser_permissions = ["add_posterupload", "change_posterupload", "delete_posterupload", "view_posterupload"]
