"""Organisers manage campaigns and their letter texts; the outbox and contact counts are read-only."""

from typing import Any

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyAdmin

from .models import Campaign, ContactEvent, Letter, LetterTemplate
from .rendering import PLACEHOLDERS


class LetterTemplateInline(admin.StackedInline):
    model = LetterTemplate
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Campaign | None = None, **kwargs: Any) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["body"].help_text = _("Placeholders: %(names)s") % {
            "names": ", ".join(f"{{{name}}} ({label})" for name, label in PLACEHOLDERS.items())
        }
        return formset


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "sending_country", "is_open", "starts_on", "ends_on"]
    list_filter = ["is_open", "sending_country"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LetterTemplateInline]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    """The outbox: status and reason per office. No letter bodies, no supporter data."""

    list_display = ["pk", "campaign", "office", "status", "attempts", "failure_reason", "created_at", "sent_at"]
    list_filter = ["status", "campaign"]
    fields = [
        "campaign",
        "office",
        "status",
        "failure_reason",
        "attempts",
        "esp_message_id",
        "created_at",
        "queued_at",
        "claimed_at",
        "sent_at",
    ]
    list_select_related = ["campaign", "office"]
    search_fields = ["esp_message_id"]


@admin.register(ContactEvent)
class ContactEventAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "office", "channel", "quantity", "occurred_at"]
    list_filter = ["channel", "campaign"]
    list_select_related = ["campaign", "office"]
