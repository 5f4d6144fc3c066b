"""Forms of the events pages. Validation only; the work is done by services."""

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_countries.fields import Country

from campaign.models import Campaign
from common.abuse import HONEYPOT_FIELD, AbuseGuardFormMixin
from common.converters import database_id_parse
from common.text import single_line_validate, text_line_clean, text_paragraph_clean
from embassies.models import Office

from .images import image_reencode, photo_too_large
from .models import CONTACT_MAX, DESCRIPTION_MAX, MEETING_POINT_MAX, EventPhoto
from .services import photo_file_name
from .validation import contact_validate, plain_text_validate

# Far enough ahead to plan; near enough that a typo in the year is caught.
MAX_DAYS_AHEAD = 366


class EventProposalForm(AbuseGuardFormMixin, forms.Form):
    """A group or a supporter proposes an event at an office of one country. Works without JavaScript."""

    campaign = forms.ChoiceField(
        label=_("Campaign"), error_messages={"invalid_choice": _("Choose a campaign from the list.")}
    )
    office = forms.CharField(
        label=_("Office"),
        widget=forms.Select,
        error_messages={"required": _("Choose the office the event is in front of.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": _("Enter the time as HH:MM.")},
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": _("Enter the time as HH:MM.")},
    )
    meeting_point = forms.CharField(
        label=_("Meeting point"),
        max_length=MEETING_POINT_MAX,
        validators=[single_line_validate, plain_text_validate],
        help_text=_("Where people meet, e.g. the corner of the street in front of the embassy."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        validators=[plain_text_validate],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What will happen and what to bring. Plain text, no links."),
    )
    organiser_contact = forms.CharField(
        label=_("How the organisers can reach you (optional)"),
        max_length=CONTACT_MAX,
        required=False,
        validators=[single_line_validate, contact_validate],
        help_text=_("An email address or a phone number. Only the organisers of this country see it."),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        host_country: str,
        campaigns: list[Campaign],
        offices: list[Office],
        **kwargs: Any,
    ):
        super().__init__(data, **kwargs)
        self.host_country = host_country.upper()
        self.campaigns = {campaign.slug: campaign for campaign in campaigns}
        self.fields["campaign"].choices = [(campaign.slug, campaign.title) for campaign in campaigns]
        if len(campaigns) == 1:
            self.fields["campaign"].initial = campaigns[0].slug
        self.offices = {str(office.pk): office for office in offices}
        self.fields["office"].widget.choices = [("", "—")] + [
            (str(office.pk), f"{office.name}, {office.city}") for office in offices
        ]
        self.abuse_guard_fields_add(proof_of_work=False)

    def clean_meeting_point(self) -> str:
        return text_line_clean(self.cleaned_data["meeting_point"])

    def clean_description(self) -> str:
        return text_paragraph_clean(self.cleaned_data["description"])

    def clean_organiser_contact(self) -> str:
        return text_line_clean(self.cleaned_data["organiser_contact"])

    def clean_campaign(self) -> Campaign:
        return self.campaigns[self.cleaned_data["campaign"]]

    def clean_office(self) -> Office:
        raw = self.cleaned_data["office"]
        office = self.offices.get(raw)
        if office is not None:
            return office
        office_id = database_id_parse(raw)
        elsewhere = Office.objects.filter(pk=office_id).first() if office_id is not None else None
        if elsewhere is not None and str(elsewhere.host_country) != self.host_country:
            raise ValidationError(
                _("That office is not in %(country)s. Propose it on the events page of its own country.")
                % {"country": Country(self.host_country).name},
                code="other_country",
            )
        raise ValidationError(_("Choose an office from the list."), code="invalid_choice")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.abuse_guards_check()
        campaign, office = cleaned.get("campaign"), cleaned.get("office")
        if campaign and office and campaign.sending_country != office.sending_country:
            self.add_error("office", _("This campaign does not write to that office. Choose another office."))
            return cleaned
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if office is None or day is None or start is None or end is None:
            return cleaned
        cleaned["starts_at"], cleaned["ends_at"] = self._times_check(office=office, day=day, start=start, end=end)
        return cleaned

    def _times_check(
        self, *, office: Office, day: datetime.date, start: datetime.time, end: datetime.time
    ) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        zone = office.zone
        today = timezone.now().astimezone(zone).date()
        # Dates are checked before any arithmetic: year 1 or 9999 would overflow once shifted to UTC.
        if day < today:
            self.add_error("date", _("This date has passed. Events must be in the future."))
            return None, None
        if day > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
            self.add_error("date", _("Please propose events at most a year ahead."))
            return None, None
        starts_at = _local_datetime(day=day, time=start, zone=zone)
        ends_at = _local_datetime(day=day, time=end, zone=zone)
        if starts_at is None or ends_at is None:
            self.add_error(
                "start_time" if starts_at is None else "end_time",
                _("This time does not exist on that day: the clocks change. Choose another time."),
            )
            return None, None
        if ends_at <= starts_at:
            self.add_error("end_time", _("The event must end after it starts."))
            return None, None
        if starts_at <= timezone.now():
            self.add_error("start_time", _("This time has passed. Events must be in the future."))
            return None, None
        return starts_at, ends_at


def _local_datetime(*, day: datetime.date, time: datetime.time, zone: datetime.tzinfo) -> datetime.datetime | None:
    """The moment a wall-clock time means in the zone, or None for a time the clocks skip."""
    local = datetime.datetime.combine(day, time.replace(second=0, microsecond=0, tzinfo=None)).replace(tzinfo=zone)
    round_trip = local.astimezone(datetime.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local.astimezone(datetime.UTC)


class RsvpForm(forms.Form):
    """ "I'll come": one button, a honeypot, and nothing about the person."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            max_length=200,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise ValidationError(_("Please leave the field “Leave this field empty” empty."), code="honeypot")
        return cleaned


class EventPhotoForm(forms.ModelForm):
    """The admin's photo upload: checked by its content, re-encoded without metadata before it is stored."""

    class Meta:
        model = EventPhoto
        fields = ["image", "caption"]

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):
            return upload  # the photo already stored, unchanged
        if upload.size is not None and upload.size > settings.EVENT_PHOTO_MAX_BYTES:
            raise photo_too_large(max_bytes=settings.EVENT_PHOTO_MAX_BYTES)
        clean = image_reencode(
            data=upload.read(settings.EVENT_PHOTO_MAX_BYTES + 1),
            max_bytes=settings.EVENT_PHOTO_MAX_BYTES,
            max_side=settings.EVENT_PHOTO_MAX_SIDE,
        )
        self.instance.content_type = clean.content_type
        return ContentFile(clean.content, name=photo_file_name(extension=clean.extension))
