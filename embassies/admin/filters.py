from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from django_countries.fields import Country

from ..models import Office


class DateSetFilter(admin.SimpleListFilter):
    """Yes/no on whether a date field is set."""

    date_field = ""

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str | Promise]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Office]) -> QuerySet[Office]:
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


class HostCountryFilter(admin.SimpleListFilter):
    """Only the countries this organiser's offices are in, by name."""

    title = _("host country")
    parameter_name = "host_country"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        codes = model_admin.get_queryset(request).values_list("host_country", flat=True).distinct().order_by()
        return sorted(((str(code), str(Country(code).name)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Office]) -> QuerySet[Office]:
        return queryset.filter(host_country=self.value()) if self.value() else queryset
