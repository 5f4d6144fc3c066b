"""The admin side of the one scope rule (embassies.selectors.records_in_country_scope).

An organiser is trusted with some host countries only. Every admin of a model an organiser can reach inherits
CountryScopedAdmin and names the path from its model to a host country; lists, change, history and delete pages,
actions, exports, autocomplete and the choices of related fields then all stay inside the organiser's countries.
tests/test_scope_everywhere.py fails when an admin that organisers can open does not.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, ManyToManyField, Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..selectors import organiser_country_codes, records_in_country_scope


class CountryScopedAdmin(admin.ModelAdmin):
    # From the model to a host-country field, as in a queryset filter: "host_country", "office__host_country".
    country_scope_path: str = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return records_in_country_scope(
            super().get_queryset(request), user=request.user, country_path=self.country_scope_path
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Model | None:
        found = super().get_object(request, object_id, from_field)
        if found is None and self._exists_anywhere(object_id, from_field):
            # Django would redirect to the index with "does not exist"; the truth is that it is not theirs.
            raise PermissionDenied(_("This record belongs to a country you do not look after."))
        return found

    def _exists_anywhere(self, object_id: str, from_field: str | None) -> bool:
        field = self.model._meta.get_field(from_field) if from_field else self.model._meta.pk
        try:
            value = field.to_python(object_id)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        return self.model._default_manager.filter(**{field.attname: value}).exists()

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name != self.country_scope_path or not hasattr(formfield, "choices"):
            return formfield
        codes = organiser_country_codes(user=request.user)
        if codes is not None:
            # A record may only be moved into, or created in, a country the organiser looks after.
            formfield.choices = [(code, name) for code, name in formfield.choices if not code or code in codes]
        return formfield

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        scoped = self._related_in_scope(db_field.related_model, request)
        if scoped is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any) -> Any:
        scoped = self._related_in_scope(db_field.related_model, request)
        if scoped is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _related_in_scope(self, model: type[Model], request: HttpRequest) -> QuerySet | None:
        related_admin = self.admin_site.get_model_admin(model) if self.admin_site.is_registered(model) else None
        if isinstance(related_admin, CountryScopedAdmin):
            return related_admin.get_queryset(request)
        return None
