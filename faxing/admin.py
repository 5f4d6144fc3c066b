"""Organisers set up the fax gateway of their own countries. The key secret is never shown again once saved."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from campaign.models import LetterStatus
from embassies.admin.scoped import CountryScopedAdmin

from .models import SINCH_API_URL, FaxGateway, GatewayKind
from .selectors import fax_activity_get


class FaxGatewayForm(forms.ModelForm):
    api_url = forms.URLField(label=_("API address"), required=False, assume_scheme="https", initial=SINCH_API_URL)
    key_secret = forms.CharField(
        label=_("key secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the saved secret."),
    )

    class Meta:
        model = FaxGateway
        fields = [
            "host_country", "kind", "is_active", "address_template", "sender_email",
            "api_url", "project_id", "key_id", "key_secret",
        ]  # fmt: skip

    def clean_key_secret(self) -> str:
        return self.cleaned_data["key_secret"] or (self.instance.key_secret if self.instance.pk else "")


@admin.register(FaxGateway)
class FaxGatewayAdmin(CountryScopedAdmin):
    country_scope_path = "host_country"
    form = FaxGatewayForm
    list_display = ["host_country", "kind", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["recent_faxes"]
    fieldsets = [
        (None, {"fields": ["host_country", "kind", "is_active", "recent_faxes"]}),
        (_("Email to fax"), {"fields": ["address_template", "sender_email"]}),
        (_("Sinch Fax API"), {"fields": ["api_url", "project_id", "key_id", "key_secret"]}),
    ]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"kind": GatewayKind.EMAIL, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("faxes in the last 7 days"))
    def recent_faxes(self, gateway: FaxGateway) -> str:
        if not gateway.pk:
            return "—"
        activity = fax_activity_get(host_country=gateway.host_country.code)
        if not activity.by_status:
            return _("None yet.")
        labels = dict(LetterStatus.choices)
        counts = ", ".join(
            f"{labels.get(status, status)}: {count}" for status, count in sorted(activity.by_status.items())
        )
        if not activity.last_failure:
            return counts
        return _("%(counts)s. Last failure: %(reason)s") % {"counts": counts, "reason": activity.last_failure}
