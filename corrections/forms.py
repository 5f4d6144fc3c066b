"""The public "report a problem with this office" form. Validation only; services store the report."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.abuse import AbuseGuardFormMixin
from common.text import plain_text_validate, single_line_validate, text_line_clean, text_paragraph_clean
from embassies.models import Office
from embassies.validation import numbers_normalise

from .models import ADDRESS_KINDS, DETAILS_MAX, ReportKind

ADDRESS_FIELDS = ("proposed_street_lines", "proposed_postcode", "proposed_city")
# Which proposed values each kind of problem may carry; the others are dropped, so nothing is kept for no reason.
FIELDS_FOR_KIND = {
    ReportKind.WRONG_ADDRESS: ADDRESS_FIELDS,
    ReportKind.MOVED: ADDRESS_FIELDS,
    ReportKind.EMAIL_BOUNCED: ("proposed_email",),
    ReportKind.PHONE_WRONG: ("proposed_phone",),
    ReportKind.CLOSED: (),
    ReportKind.OTHER: (),
}
PROPOSED_FIELDS = (*ADDRESS_FIELDS, "proposed_email", "proposed_phone")


class OfficeReportForm(AbuseGuardFormMixin, forms.Form):
    """Works without JavaScript: every field is always shown; only those that fit the chosen problem are kept."""

    kind = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what is wrong."),
            "invalid_choice": _("Choose one of the problems in the list."),
        },
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=DETAILS_MAX,
        validators=[plain_text_validate],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw, and where (for example the office's own website). Plain text."),
    )
    proposed_street_lines = forms.CharField(
        label=_("Correct street address"),
        required=False,
        max_length=300,
        validators=[plain_text_validate],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a wrong or moved address. One line per row."),
    )
    proposed_postcode = forms.CharField(
        label=_("Correct postcode"),
        required=False,
        max_length=20,
        validators=[single_line_validate, plain_text_validate],
    )
    proposed_city = forms.CharField(
        label=_("Correct city"), required=False, max_length=100, validators=[single_line_validate, plain_text_validate]
    )
    proposed_email = forms.EmailField(
        label=_("Correct email address"),
        required=False,
        max_length=254,
        help_text=_("For bounced email, if you know the right address."),
    )
    proposed_phone = forms.CharField(
        label=_("Correct phone number"),
        required=False,
        max_length=40,
        validators=[single_line_validate, plain_text_validate],
        help_text=_("For a wrong phone number, with the country code, e.g. +420 233 342 000."),
    )
    reporter_email = forms.EmailField(
        label=_("Your email, if you want an answer (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "Only the organisers of this country see it. We write to you once, when they have dealt with your "
            "report, and then erase it."
        ),
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, office: Office, **kwargs: Any):
        super().__init__(data, **kwargs)
        self.office = office
        self.abuse_guard_fields_add(proof_of_work=False)

    def clean_details(self) -> str:
        return text_paragraph_clean(self.cleaned_data["details"])

    def clean_proposed_street_lines(self) -> str:
        lines = (text_line_clean(line) for line in self.cleaned_data["proposed_street_lines"].splitlines())
        return "\n".join(line for line in lines if line)

    def clean_proposed_postcode(self) -> str:
        return text_line_clean(self.cleaned_data["proposed_postcode"])

    def clean_proposed_city(self) -> str:
        return text_line_clean(self.cleaned_data["proposed_city"])

    def clean_proposed_phone(self) -> str:
        phone = text_line_clean(self.cleaned_data["proposed_phone"])
        if not phone:
            return ""
        numbers = numbers_normalise(phone=phone, fax="", host_country=str(self.office.host_country))
        if numbers.errors:
            raise forms.ValidationError(numbers.errors["phone"])
        return numbers.phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.abuse_guards_check()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        kept = FIELDS_FOR_KIND[ReportKind(kind)]
        for name in PROPOSED_FIELDS:
            if name not in kept:
                cleaned[name] = ""
        proposes = any(cleaned.get(name) for name in kept)
        if kind in ADDRESS_KINDS and not proposes and not cleaned.get("details"):
            self.add_error("proposed_street_lines", _("Please give the correct address, or describe it in Details."))
        elif kind != ReportKind.CLOSED and not proposes and not cleaned.get("details") and "details" not in self.errors:
            self.add_error("details", _("Please tell us what is wrong."))
        return cleaned
