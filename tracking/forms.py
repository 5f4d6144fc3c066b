"""Forms of the tracking pages. Validation only; the work is done by selectors and services."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from django_countries import countries

from campaign.models import Campaign

from .selectors import MAX_CHART_DAYS, ProgressFilter
from .services.calls import SELF_REPORTED_CHANNELS


class DashboardFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.order_by("-created_at"), label=_("Campaign"))
    country = forms.ChoiceField(label=_("Host country"), required=False)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, scope_codes: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # An organiser chooses among, and by default sees, only the countries they look after.
        self.scope_codes = scope_codes
        allowed = [(code, name) for code, name in countries if scope_codes is None or code in scope_codes]
        everything = _("All countries") if scope_codes is None else _("All my countries")
        self.fields["country"].choices = [("", everything), *allowed]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        since, until = cleaned.get("date_from"), cleaned.get("date_to")
        if since and until:
            if since > until:
                raise forms.ValidationError(_("The start date is after the end date."), code="dates_reversed")
            if until - since > datetime.timedelta(days=MAX_CHART_DAYS * 5):
                raise forms.ValidationError(_("Choose a range of at most five years."), code="range_too_long")
        return cleaned

    def progress_filter(self) -> ProgressFilter:
        chosen = self.cleaned_data.get("country")
        return ProgressFilter(
            host_countries=(chosen,) if chosen else (None if self.scope_codes is None else tuple(self.scope_codes)),
            occurred_from=self.cleaned_data.get("date_from"),
            occurred_to=self.cleaned_data.get("date_to"),
        )


class ContactReportForm(forms.Form):
    """The "I called" / "I sent a fax" button."""

    channel = forms.ChoiceField(
        choices=[(channel.value, channel.label) for channel in SELF_REPORTED_CHANNELS],
        error_messages={"invalid_choice": _("Choose a phone call or a fax.")},
    )
