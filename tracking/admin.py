"""Admin: call scripts, and replies with a triage queue for mail that matched no letter."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.models import Campaign
from common.admin import ReadOnlyAdmin
from embassies.admin.scoped import CountryScopedAdmin
from embassies.models import Office
from embassies.selectors import office_queryset_for_user

from .models import CallScript, Reply, ReplyAttachment, ReplyState, SurveyAnswer
from .selectors import letter_for_reply_assignment
from .services import reply_assign, reply_discard

RAW_LINE_WIDTH = 120


@admin.register(CallScript)
class CallScriptAdmin(admin.ModelAdmin):
    list_display = ["campaign", "language"]
    list_filter = ["campaign", "language"]


class ReplyAssignForm(forms.Form):
    letter_id = forms.IntegerField(label=_("Letter number"), required=False, min_value=1)
    reply_token = forms.CharField(label=_("or the letter's reply token"), required=False, max_length=40)
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), label=_("or a campaign…"), required=False)
    office = forms.ModelChoiceField(queryset=Office.objects.all(), label=_("…and an office"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["office"].queryset = office_queryset_for_user(user=user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        letter_id, token = cleaned.get("letter_id"), cleaned.get("reply_token") or ""
        if letter_id or token.strip():
            letter = letter_for_reply_assignment(user=self.user, letter_id=letter_id, reply_token=token)
            if letter is None:
                raise forms.ValidationError(_("No letter has that number or token."))
            cleaned["letter"] = letter
        elif not (cleaned.get("campaign") and cleaned.get("office")):
            raise forms.ValidationError(_("Give a letter, or both a campaign and an office."))
        return cleaned


class ReplyAttachmentInline(admin.TabularInline):
    model = ReplyAttachment
    fields = ["download", "content_type", "size"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, attachment: ReplyAttachment) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>', reverse("tracking:reply_attachment", args=[attachment.pk]), attachment.filename
        )


@admin.register(Reply)
class ReplyAdmin(CountryScopedAdmin):
    """Replies to letters, in the organiser's countries. Mail that matched no office is a superuser's to sort."""

    country_scope_path = "office__host_country"
    inlines = [ReplyAttachmentInline]
    list_display = ["received_at", "state", "subject", "from_address", "office", "campaign", "forwarded_at"]
    list_filter = ["state", "campaign", "spam_detected", "automatic", "received_at"]
    search_fields = ["subject", "from_address", "recipient"]
    date_hierarchy = "received_at"
    actions = ["assign_selected", "discard_selected"]
    # Untrusted mail: every field is shown read-only and escaped; the body is plain text, never HTML.
    readonly_fields = [
        "state",
        "campaign",
        "office",
        "letter",
        "received_at",
        "recipient",
        "from_address",
        "subject",
        "body_text",
        "body_truncated",
        "attachments_dropped",
        "spam_detected",
        "automatic",
        "forwarded_at",
        "content_erased_at",
        "inbound_event_id",
        "message_id",
        "raw_payload_shown",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Reply | None = None) -> list[str]:
        # Only a body that could not be read as a message is kept raw, and such a reply starts in triage.
        fields = super().get_fields(request, obj)
        if obj is None or obj.state != ReplyState.TRIAGE or not obj.raw_payload:
            fields = [field for field in fields if field != "raw_payload_shown"]
        return fields

    @admin.display(description=_("unreadable webhook body"))
    def raw_payload_shown(self, reply: Reply) -> SafeString:
        # Escaped plain text. The site's CSP forbids inline styles and <pre> does not wrap, while JSON often
        # arrives as one long line: break long lines for display only.
        lines = reply.raw_payload.split("\n")
        wrapped = "\n".join(
            line[start : start + RAW_LINE_WIDTH] for line in lines for start in range(0, len(line) or 1, RAW_LINE_WIDTH)
        )
        return format_html("<pre>{}</pre>", wrapped)

    @admin.action(description=_("Assign to a letter or an office…"), permissions=["change"])
    def assign_selected(self, request: HttpRequest, queryset: QuerySet[Reply]) -> TemplateResponse | None:
        if "apply" in request.POST:
            form = ReplyAssignForm(request.POST, user=request.user)
            if form.is_valid():
                for reply in queryset:
                    reply_assign(
                        reply=reply,
                        letter=form.cleaned_data.get("letter"),
                        office=form.cleaned_data.get("office"),
                        campaign=form.cleaned_data.get("campaign"),
                    )
                count = queryset.count()
                self.message_user(
                    request,
                    ngettext("%(count)d reply assigned.", "%(count)d replies assigned.", count) % {"count": count},
                    messages.SUCCESS,
                )
                return None
        else:
            form = ReplyAssignForm(user=request.user)
        return TemplateResponse(
            request,
            "tracking/admin_reply_assign.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "replies": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "title": _("Assign replies"),
            },
        )

    @admin.action(description=_("Discard (not a reply to a letter)"), permissions=["change"])
    def discard_selected(self, request: HttpRequest, queryset: QuerySet[Reply]) -> None:
        replies = list(queryset.exclude(state=ReplyState.DISCARDED))
        for reply in replies:
            reply_discard(reply=reply)
        self.message_user(
            request,
            ngettext("%(count)d reply discarded.", "%(count)d replies discarded.", len(replies))
            % {"count": len(replies)},
            messages.SUCCESS,
        )


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(CountryScopedAdmin, ReadOnlyAdmin):
    country_scope_path = "office__host_country"
    list_display = ["answered_on", "campaign", "office", "got_reply"]
    list_filter = ["campaign", "got_reply"]
