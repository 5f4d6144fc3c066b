"""Organisers manage campaigns and their letter texts; the outbox and contact counts are read-only."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyAdmin
from embassies.admin.scoped import CountryScopedAdmin

from .identity import IMAGE_MAX_UPLOAD_BYTES, image_reencode
from .models import Campaign, CampaignTranslation, ContactEvent, Letter, LetterTemplate
from .rendering import PLACEHOLDERS, letter_demands_count
from .selectors import letter_template_demands_mismatch
from .services import letters_requeue


def placeholders_help() -> str:
    return _("Placeholders: %(names)s") % {
        "names": ", ".join(f"{{{name}}} ({label})" for name, label in PLACEHOLDERS.items())
    }


def demands_warn(request: HttpRequest, templates: list[LetterTemplate]) -> None:
    """A translation that makes more or fewer numbered demands than its source is probably unfaithful."""
    for template in templates:
        mismatch = letter_template_demands_mismatch(template=template)
        if mismatch:
            messages.warning(
                request,
                _(
                    "The %(language)s letter makes %(count)d numbered demands, but the source letter makes "
                    "%(source_count)d. Please check the translation."
                )
                % {"language": template.get_language_display(), "count": mismatch[0], "source_count": mismatch[1]},
            )


class LetterTemplateInline(admin.StackedInline):
    model = LetterTemplate
    extra = 0
    fields = ["language", "reviewed", "subject", "body", "closing"]

    def get_formset(self, request: HttpRequest, obj: Campaign | None = None, **kwargs: Any) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["body"].help_text = placeholders_help()
        return formset


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0
    verbose_name_plural = _("the campaign in other languages (title, law or cause, summary)")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        exclude: list[str] = []
        # Not <input type=color>: it cannot be empty, and empty means the site's own colour.
        widgets = {"accent_colour": forms.TextInput(attrs={"placeholder": "#1f4e79", "size": 8})}

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        # An unchanged or cleared image is not an upload: nothing to check.
        if not upload or not hasattr(upload, "content_type"):
            return upload
        # One byte over the limit is enough to refuse an oversized upload without reading all of it.
        image = image_reencode(data=upload.read(IMAGE_MAX_UPLOAD_BYTES + 1))
        return ContentFile(image.content, name=image.name)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["title", "slug", "sending_country", "is_open", "starts_on", "ends_on"]
    list_filter = ["is_open", "sending_country"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CampaignTranslationInline, LetterTemplateInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        demands_warn(request, list(form.instance.templates.all()))


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """Every letter text in one list, with the translations that still need an organiser's review."""

    list_display = ["campaign", "language", "review_state", "demands"]
    list_filter = ["reviewed", "campaign", "language"]
    list_select_related = ["campaign"]
    actions = ["approve"]

    def get_form(self, request: HttpRequest, obj: LetterTemplate | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["body"].help_text = placeholders_help()
        return form

    @admin.display(description=_("review"), ordering="reviewed")
    def review_state(self, template: LetterTemplate) -> str:
        return _("reviewed") if template.reviewed else _("draft, needs review")

    @admin.display(description=_("numbered demands"))
    def demands(self, template: LetterTemplate) -> str:
        mismatch = letter_template_demands_mismatch(template=template)
        if mismatch:
            return _("%(count)d (the source has %(source_count)d)") % {
                "count": mismatch[0],
                "source_count": mismatch[1],
            }
        return str(letter_demands_count(template.body))

    @admin.action(description=_("Approve the selected letter texts as reviewed"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[LetterTemplate]) -> None:
        count = queryset.filter(reviewed=False).update(reviewed=True)
        message = ngettext("%(count)d letter text approved.", "%(count)d letter texts approved.", count)
        messages.success(request, message % {"count": count})

    def save_model(self, request: HttpRequest, obj: LetterTemplate, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        demands_warn(request, [obj])


@admin.register(Letter)
class LetterAdmin(CountryScopedAdmin, ReadOnlyAdmin):
    """The outbox: status and reason per office. No letter bodies, no supporter data."""

    country_scope_path = "office__host_country"

    list_display = [
        "pk",
        "campaign",
        "office",
        "channel",
        "status",
        "attempts",
        "failure_reason",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "campaign"]
    fields = [
        "campaign",
        "office",
        "channel",
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
    actions = ["requeue"]

    def has_requeue_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("campaign.view_letter") and request.user.has_perm("campaign.change_campaign")

    @admin.action(description=_("Send the selected failed letters again"), permissions=["requeue"])
    def requeue(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        requeued, skipped = letters_requeue(letter_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("Letters queued again: %(count)d.") % {"count": len(requeued)})
        if skipped:
            messages.warning(
                request,
                _(
                    "Not queued: %(count)d (not failed, the supporter's data is erased, the campaign is closed, or "
                    "the same supporter has another letter to that office on its way)."
                )
                % {"count": len(skipped)},
            )


@admin.register(ContactEvent)
class ContactEventAdmin(CountryScopedAdmin, ReadOnlyAdmin):
    country_scope_path = "office__host_country"
    list_display = ["campaign", "office", "channel", "quantity", "occurred_at"]
    list_filter = ["channel", "campaign"]
    list_select_related = ["campaign", "office"]
