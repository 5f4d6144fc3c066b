"""The batch form for organisers and group members. The supporter's PDF uses campaign.forms.LetterForm."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from django_countries import countries

from campaign.models import Campaign, LetterTemplate
from common.abuse import AbuseGuardFormMixin
from embassies.models import Office

from .models import PaperSize, SignerMode
from .selectors import groups_usable_by
from .signers import CSV_BYTES_MAX, signers_csv_decode, signers_parse


class SignersTextField(forms.CharField):
    """signers_parse names the line of a NUL byte, which Django's own "Null characters are not allowed." does not."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.validators = [item for item in self.validators if not isinstance(item, ProhibitNullCharactersValidator)]


class OfficeSelectField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, office: Office) -> str:
        return f"{office.host_country.name}: {office.name}, {office.city}"


class TemplateField(forms.ModelChoiceField):
    def label_from_instance(self, template: LetterTemplate) -> str:
        return f"{template.campaign.title} – {template.get_language_display()}"


class PaperField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=PaperSize.choices, initial=PaperSize.A4, label=_("Paper"), **kwargs)


class SupporterPaperForm(forms.Form):
    """The paper size a supporter prints on; sent along with the letter form."""

    paper = PaperField(required=False)


class BatchForm(forms.Form):
    group = forms.ModelChoiceField(queryset=None, label=_("Group"))
    template = TemplateField(queryset=LetterTemplate.objects.none(), label=_("Campaign and letter language"))
    host_country = forms.ChoiceField(label=_("Country of the offices"))
    offices = OfficeSelectField(
        queryset=Office.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Only these offices"),
        help_text=_("Leave all unticked to write to every office in the country."),
    )
    signer_mode = forms.ChoiceField(
        choices=SignerMode.choices, widget=forms.RadioSelect, label=_("Signatures"), initial=SignerMode.SIGNERS
    )
    group_signature = forms.CharField(
        label=_("Group signature"),
        max_length=150,
        required=False,
        help_text=_("For one signature for the group. Default: the group's name."),
    )
    signers_text = SignersTextField(
        label=_("Signers, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write “name” or “name, city” on each line."),
    )
    signers_csv = forms.FileField(
        label=_("…or a CSV file of signers"),
        required=False,
        help_text=_("Columns: name, city (city optional). UTF-8."),
    )
    copies_per_office = forms.IntegerField(
        label=_("Letters per office"),
        min_value=1,
        max_value=200,
        initial=1,
        help_text=_("For one group signature and for hand signing."),
    )
    sign_lines = forms.IntegerField(label=_("Signature lines per letter"), min_value=1, max_value=30, initial=10)
    paper = PaperField()

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        user: AbstractBaseUser | AnonymousUser,
        **kwargs: Any,
    ):
        super().__init__(data, files, **kwargs)
        self.fields["group"].queryset = groups_usable_by(user=user)
        open_campaigns = Campaign.objects.open()
        self.fields["template"].queryset = LetterTemplate.objects.filter(campaign__in=open_campaigns).select_related(
            "campaign"
        )
        offices = (
            Office.objects.active()
            .filter(sending_country__in=open_campaigns.values("sending_country"))
            .order_by("host_country", "kind", "city", "name")
        )
        self.fields["offices"].queryset = offices
        country_codes = sorted(set(offices.values_list("host_country", flat=True)))
        self.fields["host_country"].choices = [(code, countries.name(code)) for code in country_codes]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        template, country = cleaned.get("template"), cleaned.get("host_country")
        offices = list(cleaned.get("offices") or [])
        if template and country:
            elsewhere = [
                office
                for office in offices
                if office.host_country.code != country or office.sending_country != template.campaign.sending_country
            ]
            if elsewhere:
                self.add_error(
                    "offices",
                    ValidationError(
                        _("These offices are not in the chosen country or not of the campaign's state: %(offices)s."),
                        params={"offices": ", ".join(office.name for office in elsewhere)},
                    ),
                )
        cleaned["selected_offices"] = offices or None
        cleaned["signers"] = []
        if cleaned.get("signer_mode") == SignerMode.SIGNERS:
            cleaned["signers"] = self._signers_read()
        return cleaned

    def _signers_read(self) -> list:
        rows = []
        for field, read in (
            ("signers_text", lambda: self.cleaned_data.get("signers_text") or ""),
            (
                "signers_csv",
                lambda: (
                    signers_csv_decode(self.cleaned_data["signers_csv"].read(CSV_BYTES_MAX + 1))
                    if self.cleaned_data.get("signers_csv")
                    else ""
                ),
            ),
        ):
            try:
                rows.extend(signers_parse(read()))
            except ValidationError as error:
                self.add_error(field, error)
        if not rows and not self.errors:
            self.add_error("signers_text", _("Add at least one signer, or choose another kind of signature."))
        return rows


class PostedForm(forms.Form):
    posted_on = forms.DateField(label=_("Posted on"), widget=forms.DateInput(attrs={"type": "date"}))


class SupporterPostedForm(AbuseGuardFormMixin, forms.Form):
    """The letter page's "I have posted these letters": the ticked offices, among those a letter can be posted to.
    The letter form's honeypot and start time come along, so the count is guarded like the letter itself."""

    offices = forms.TypedMultipleChoiceField(
        coerce=int,
        label=_("Offices"),
        error_messages={
            "required": _("Tick the offices whose letters you posted."),
            "invalid_choice": _("One of the ticked offices cannot receive a posted letter. Please check the list."),
        },
    )

    def __init__(self, data: Mapping[str, Any], *, offices: list[Office]):
        super().__init__(data)
        self.postable_offices = {office.pk: office for office in offices if office.has_postal_address}
        self.fields["offices"].choices = [(str(pk), office.name) for pk, office in self.postable_offices.items()]
        self.abuse_guard_fields_add(proof_of_work=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.abuse_guards_check()
        return cleaned

    def chosen_offices(self) -> list[Office]:
        return [self.postable_offices[pk] for pk in self.cleaned_data["offices"]]
