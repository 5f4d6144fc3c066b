"""The supporter's letter form, shared by every channel (email, fax, mailto, print, contact forms)."""

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.abuse import AbuseGuardFormMixin
from common.converters import database_id_parse
from common.text import text_line_clean, text_paragraph_clean
from embassies.links import web_url
from embassies.models import Office, OfficeKind

from .couriers import fax_courier
from .models import Campaign, LetterChannel, LetterTemplate
from .rendering import RenderedLetter, letter_language_default, letter_render
from .selectors import letter_offices_already_written, office_queryset_for_letter
from .senders import sender_hash_for

CHANNEL_EMAIL = "email"
CHANNEL_MAILTO = "mailto"
CHANNEL_PRINT = "print"
CHANNEL_PREVIEW = "preview"
CHANNEL_CONTACT_FORM = "contact_form"
CHANNEL_FAX = "fax"
CHANNELS = {CHANNEL_EMAIL, CHANNEL_FAX, CHANNEL_MAILTO, CHANNEL_PRINT, CHANNEL_PREVIEW, CHANNEL_CONTACT_FORM}
# The channels the campaign sends for the supporter, after they confirm their address.
OUTBOX_CHANNELS = {CHANNEL_EMAIL: LetterChannel.EMAIL, CHANNEL_FAX: LetterChannel.FAX}

NAME_MAX = 100
CITY_MAX = 100
PERSONAL_PARAGRAPH_MAX = 2000
# What a change of letter language keeps of the supporter's input.
SWITCH_KEPT_FIELDS = ("language", "name", "city", "email", "personal_paragraph")
MAX_OFFICES = 50
# A shared link's office ids reach the form under this key; only its first characters are read, as a person's
# link names a few offices, not thousands.
PREFILL_OFFICES = "prefill_offices"
PREFILL_QUERY_MAX = 1000

LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def single_line_validate(value: str) -> None:
    """Header fields (name, subject) must be one line: this is what makes header injection impossible."""
    if LINE_BREAK.search(value):
        raise ValidationError(_("Please write this on a single line, without line breaks."), code="line_break")
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("This contains invisible control characters. Please retype it."), code="control")


# RFC 5322 dot-atom: what ESPs accept before the @. Quoted local parts ("a b"@x) pass Django's EmailField
# but the ESP refuses them, which would strand the submission.
DELIVERABLE_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def email_deliverable_validate(value: str) -> None:
    local_part = value.rpartition("@")[0]
    if not DELIVERABLE_LOCAL_PART.match(local_part):
        raise ValidationError(
            _("Mail services cannot deliver to this address. Please check it, or use another one."),
            code="undeliverable",
        )


def text_validate(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("This contains invisible control characters. Please retype it."), code="control")


class LoadedOfficesIterator(forms.models.ModelChoiceIterator):
    """The checkboxes from the offices the form already loaded: the page reads the offices once, not twice."""

    def __iter__(self) -> Any:
        loaded = self.field.loaded_offices
        if loaded is None:
            yield from super().__iter__()
            return
        for office in loaded:
            yield self.choice(office)

    def __len__(self) -> int:
        loaded = self.field.loaded_offices
        return super().__len__() if loaded is None else len(loaded)


class OfficeChoiceField(forms.ModelMultipleChoiceField):
    iterator = LoadedOfficesIterator
    loaded_offices: list[Office] | None = None

    def label_from_instance(self, office: Office) -> str:
        return f"{office.name}, {office.city}"

    def clean(self, value: Any) -> Any:
        """Chosen among the loaded offices, by their ids as text: no query, and no number too large for the
        database ever reaches it."""
        if self.loaded_offices is None:
            return super().clean(value)
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        by_id = {str(office.pk): office for office in self.loaded_offices}
        for raw in value:
            if str(raw) not in by_id:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(raw)[:20]}
                )
        wanted = {str(raw) for raw in value}
        return [office for office in self.loaded_offices if str(office.pk) in wanted]


def letter_prefill_initial(*, query: Mapping[str, str]) -> dict[str, Any]:
    """The form's starting values from a shared link: ?offices=12,15 ticks those offices and ?letter=uk chooses the
    letter's language (?language= is the older name). The form ignores ids and languages it does not offer."""
    raw_ids = str(query.get("offices") or "")[:PREFILL_QUERY_MAX].split(",")[:MAX_OFFICES]
    office_ids = [office_id for office_id in map(database_id_parse, (value.strip() for value in raw_ids)) if office_id]
    initial: dict[str, Any] = {"language": str(query.get("letter") or query.get("language") or "")}
    if office_ids:
        initial[PREFILL_OFFICES] = office_ids
    return initial


def language_label(code: str) -> str:
    """A language's name in the interface language, with its own name beside it: "Czech (čeština)"."""
    try:
        info = translation.get_language_info(code)
    except KeyError:
        return code
    translated, local = str(info["name_translated"]), info["name_local"]
    if code == translation.get_language() or translated.casefold() == local.casefold():
        return translated
    return f"{translated} ({local})"


class LetterForm(AbuseGuardFormMixin, forms.Form):
    """The supporter writes their own parts; the letter itself is the campaign's text in the chosen language."""

    offices = OfficeChoiceField(
        queryset=Office.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Offices"),
        error_messages={"required": _("Choose at least one office.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the letter"),
        error_messages={
            "required": _("Choose the language of the letter."),
            "invalid_choice": _("The campaign has no letter in this language. Choose one from the list."),
        },
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        validators=[single_line_validate],
        help_text=_("It signs the letter."),
    )
    city = forms.CharField(label=_("Your city"), max_length=CITY_MAX, required=False, validators=[single_line_validate])
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        required=False,
        validators=[email_deliverable_validate],
        help_text=_("Only for sending by email: we ask you to confirm, and replies reach you."),
    )
    share_email = forms.BooleanField(
        label=_("Show my email address to the offices"),
        required=False,
        help_text=_(
            "Off: the offices see only the campaign's reply address, and their answers are forwarded to you. "
            "On: they also see your address and can write to you directly."
        ),
    )
    personal_paragraph = forms.CharField(
        label=_("A few words of your own"),
        max_length=PERSONAL_PARAGRAPH_MAX,
        required=False,
        validators=[text_validate],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Say why this matters to you. They follow the letter's last paragraph. "
            "Identical letters get filtered as spam; yours will not."
        ),
    )
    send_copy = forms.BooleanField(label=_("Send me a copy"), required=False)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        campaign: Campaign,
        host_country: str,
        channel: str,
        **kwargs: Any,
    ):
        if channel not in CHANNELS:
            raise ValueError(f"Unknown channel {channel!r}")
        super().__init__(data, **kwargs)
        self.campaign = campaign
        self.host_country = host_country.upper()
        self.channel = channel
        self.templates = {template.language: template for template in campaign.templates.all()}
        self.fields["language"].choices = sorted(
            ((code, language_label(code)) for code in self.templates), key=lambda choice: choice[1].casefold()
        )
        queryset = office_queryset_for_letter(campaign=campaign, host_country=self.host_country)
        self.fields["offices"].queryset = queryset
        self.fields["email"].required = channel in OUTBOX_CHANNELS
        self.office_list = list(queryset)
        self.fields["offices"].loaded_offices = self.office_list
        if not self.is_bound:
            self._initial_fill()
        self.abuse_guard_fields_add(proof_of_work=channel in OUTBOX_CHANNELS)

    def _initial_fill(self) -> None:
        asked = set(self.initial.pop(PREFILL_OFFICES, None) or ())
        prefilled = [office.pk for office in self.office_list if office.pk in asked]
        if prefilled:
            self.initial["offices"] = prefilled
        # Pre-checked: embassy and consulates the campaign can email. Honorary consulates are optional, and
        # unverified offices would make "Send by email" fail; supporters tick them for print or mailto.
        self.initial.setdefault(
            "offices",
            [
                office.pk
                for office in self.office_list
                if office.kind != OfficeKind.HONORARY_CONSULATE and office.can_receive_email
            ],
        )
        if self.initial.get("language") not in self.templates:
            self.initial["language"] = self._language_default()

    @classmethod
    def language_switched(cls, data: Mapping[str, Any], *, campaign: Campaign, host_country: str) -> "LetterForm":
        """The form again in a newly chosen letter language, keeping everything typed, without errors yet; a
        language the campaign lacks gets its form error."""
        initial: dict[str, Any] = {field: data.get(field, "") for field in SWITCH_KEPT_FIELDS}
        initial["offices"] = [office_id for office_id in map(database_id_parse, data.getlist("offices")) if office_id]
        initial.update({field: bool(data.get(field)) for field in ("send_copy", "share_email")})
        form = cls(campaign=campaign, host_country=host_country, channel=CHANNEL_EMAIL, initial=initial)
        if data.get("language") not in form.templates:
            form = cls(data, campaign=campaign, host_country=host_country, channel=CHANNEL_PREVIEW)
        return form

    def _language_default(self) -> str:
        return letter_language_default(
            available=sorted(self.templates),
            interface_language=translation.get_language() or "",
            offices=self.chosen_offices(),
        )

    def chosen_offices(self) -> list[Office]:
        """The ticked offices as the page shows them, valid or not yet."""
        if self.is_bound:
            raw = self.data.getlist("offices") if hasattr(self.data, "getlist") else self.data.get("offices") or []
            wanted = {database_id_parse(value) for value in raw}
        else:
            wanted = {database_id_parse(str(value)) for value in self.initial.get("offices") or []}
        return [office for office in self.office_list if office.pk in wanted]

    def chosen_template(self) -> LetterTemplate | None:
        """The letter text the page shows: the chosen language's, or the default's."""
        language = self.data.get("language") if self.is_bound else self.initial.get("language")
        if language not in self.templates:
            language = self._language_default()
        return self.templates.get(language)

    def sample_letter(self, *, on_date: datetime.date) -> RenderedLetter | None:
        """The letter as the first chosen office would read it: the supporter sees text, never placeholders."""
        template = self.chosen_template()
        offices = self.chosen_offices() or self.office_list[:1]
        if template is None or not offices:
            return None
        source = self.data if self.is_bound else self.initial
        return letter_render(
            subject=template.subject,
            body=template.body,
            closing=template.closing,
            office=offices[0],
            language=template.language,
            supporter_name=str(source.get("name") or "")[:NAME_MAX] or str(_("Your name")),
            supporter_city=str(source.get("city") or "")[:CITY_MAX],
            on_date=on_date,
        )

    def clean_offices(self) -> list[Office]:
        offices = list(self.cleaned_data["offices"])
        if len(offices) > MAX_OFFICES:
            raise ValidationError(_("Choose at most %(count)d offices."), params={"count": MAX_OFFICES})
        if self.channel == CHANNEL_EMAIL:
            not_emailable = [office for office in offices if not office.can_receive_email]
            if not_emailable:
                raise ValidationError(
                    _(
                        "These offices have no verified email address, so the campaign cannot email them: "
                        "%(offices)s. Untick them, or download the letter as a PDF to print and post."
                    ),
                    code="not_emailable",
                    params={"offices": ", ".join(office.name for office in not_emailable)},
                )
        if self.channel == CHANNEL_FAX:
            self._faxable_check(offices=offices)
        if self.channel == CHANNEL_MAILTO and not any(office.email for office in offices):
            raise ValidationError(_("None of these offices has an email address."), code="no_email")
        if self.channel == CHANNEL_CONTACT_FORM and not any(web_url(office.contact_form_url) for office in offices):
            raise ValidationError(_("None of these offices has a contact form."), code="no_contact_form")
        return offices

    def clean_name(self) -> str:
        name = text_line_clean(self.cleaned_data["name"])
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name

    def clean_city(self) -> str:
        return text_line_clean(self.cleaned_data["city"])

    def clean_personal_paragraph(self) -> str:
        return text_paragraph_clean(self.cleaned_data["personal_paragraph"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.channel != CHANNEL_PREVIEW:
            self.abuse_guards_check()
        language = cleaned.get("language")
        if language:
            template = cleaned["template"] = self.templates[language]
            cleaned["subject"], cleaned["body"] = template.subject, template.body
            self._letter_language_check(language=language, offices=cleaned.get("offices") or [])
        if self.channel == CHANNEL_PRINT:
            self._postal_address_check(offices=cleaned.get("offices") or [])
        if self.channel in OUTBOX_CHANNELS and cleaned.get("email") and cleaned.get("offices"):
            already = letter_offices_already_written(
                campaign=self.campaign,
                sender_hash=sender_hash_for(cleaned["email"], campaign_id=self.campaign.pk),
                offices=cleaned["offices"],
                channel=OUTBOX_CHANNELS[self.channel],
            )
            if already:
                self.add_error(
                    "offices",
                    ValidationError(
                        _("You have already sent this letter to: %(offices)s. Untick them to write to the others."),
                        code="duplicate",
                        params={"offices": ", ".join(office.name for office in already)},
                    ),
                )
        return cleaned

    def _faxable_check(self, *, offices: list[Office]) -> None:
        if not fax_courier().sending_available(host_country=self.host_country):
            raise ValidationError(_("Sending by fax is not available in this country."), code="fax_unavailable")
        no_fax = [office.name for office in offices if not office.fax]
        if no_fax:
            raise ValidationError(
                _("These offices list no fax number: %(offices)s. Untick them, or send them an email."),
                code="no_fax",
                params={"offices": ", ".join(no_fax)},
            )

    def _postal_address_check(self, *, offices: list[Office]) -> None:
        undeliverable = [office.name for office in offices if not office.has_postal_address]
        if undeliverable:
            self.add_error(
                "offices",
                ValidationError(
                    _(
                        "We do not have a postal address for %(offices)s yet, so a printed letter would not arrive. "
                        "Untick them to print the others, or send them an email."
                    ),
                    code="no_postal_address",
                    params={"offices": ", ".join(undeliverable)},
                ),
            )

    def _letter_language_check(self, *, language: str, offices: list[Office]) -> None:
        """The directory lists the languages an office takes letters in; an empty list means any."""
        refusing = [office for office in offices if office.language_list and language not in office.language_list]
        if refusing:
            self.add_error(
                "language",
                ValidationError(
                    _(
                        "These offices do not take letters in %(language)s: %(offices)s. Choose another language or untick them."
                    ),
                    code="language_not_accepted",
                    params={
                        "language": translation.get_language_info(language)["name_translated"],
                        "offices": ", ".join(office.name for office in refusing),
                    },
                ),
            )


class ForgetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
