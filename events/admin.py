"""Organisers review proposed events of their own countries, write reports and add photos."""

from contextlib import nullcontext
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from embassies.admin.scoped import CountryScopedAdmin

from .forms import EventPhotoForm
from .models import Event, EventPhoto, EventStatus
from .services import events_review


class EventPhotoInline(admin.TabularInline):
    model = EventPhoto
    form = EventPhotoForm
    extra = 1
    fields = ["image", "caption", "preview"]
    readonly_fields = ["preview"]

    def get_formset(self, request: HttpRequest, obj: Event | None = None, **kwargs: Any) -> Any:
        # A plain file input: Django's would link the stored file under /media/, which is never served.
        kwargs["widgets"] = {"image": forms.FileInput(attrs={"accept": "image/jpeg,image/png"})}
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("Public address"))
    def preview(self, photo: EventPhoto) -> str:
        if not photo.pk:
            return "—"
        url = reverse("events:event_photo", args=[photo.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open (public once the event is approved)"))


@admin.register(Event)
class EventAdmin(CountryScopedAdmin):
    country_scope_path = "office__host_country"
    inlines = [EventPhotoInline]
    list_display = ["office", "local_times", "campaign", "status", "rsvp_count"]
    list_filter = ["status", "campaign", "starts_at"]
    list_select_related = ["office", "campaign"]
    search_fields = ["office__name", "office__city", "meeting_point"]
    readonly_fields = ["status", "local_times", "rsvp_count", "reviewed_at", "reviewed_by", "created_at"]
    fields = [
        "campaign", "office", "status", "local_times", "starts_at", "ends_at", "meeting_point", "description",
        "organiser_contact", "report", "rsvp_count", "reviewed_at", "reviewed_by", "created_at",
    ]  # fmt: skip
    actions = ["approve", "reject"]

    @admin.display(description=_("Time at the office"))
    def local_times(self, event: Event) -> str:
        if not event.pk:
            return "—"
        return f"{event.starts_local:%Y-%m-%d %H:%M}–{event.ends_local:%H:%M} ({event.office.zone.key})"

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # Times are typed and read in the office's zone, as on the public pages, not in the server's.
        event = self.get_object(request, object_id) if object_id else None
        zone = timezone.override(event.office.zone) if isinstance(event, Event) else nullcontext()
        with zone:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # the form shows its times while the zone is still active
            return response

    @admin.action(description=_("Approve: make public"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        count = events_review(events=queryset, user=request.user, status=EventStatus.APPROVED)
        self.message_user(
            request, ngettext("%d event approved.", "%d events approved.", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("Reject: keep it off the site"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        count = events_review(events=queryset, user=request.user, status=EventStatus.REJECTED)
        self.message_user(
            request, ngettext("%d event rejected.", "%d events rejected.", count) % count, messages.SUCCESS
        )
