from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DateSetFilter(admin.SimpleListFilter):
    """Yes/no on whether a date field is set."""

    date_field = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.date_field}__isnull": self.value() == "no"})
        return queryset


class VerifiedFilter(DateSetFilter):
    title = _("verified")
    parameter_name = "verified"
    date_field = "verified_on"


class EmailFlaggedFilter(DateSetFilter):
    title = _("email flagged")
    parameter_name = "email_flagged"
    date_field = "email_flagged_at"
