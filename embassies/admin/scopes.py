from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import OrganiserScope


@admin.register(OrganiserScope)
class OrganiserScopeAdmin(admin.ModelAdmin):
    """Only superusers decide who looks after which countries (the Organisers group has no permission here)."""

    list_display = ["user", "country_list"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]

    @admin.display(description=_("host countries"))
    def country_list(self, scope: OrganiserScope) -> str:
        return ", ".join(scope.country_codes)
