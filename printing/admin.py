"""Admin for organisers: groups, and batches (created here or on the members' page, generated in a task)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from embassies.admin.scoped import CountryScopedAdmin

from .models import Batch, Group
from .services import batch_generation_queue, batch_mark_posted, batch_mark_printed


@admin.register(Group)
class GroupAdmin(CountryScopedAdmin):
    country_scope_path = "country"
    list_display = ["name", "country", "city", "contact"]
    list_filter = ["country"]
    search_fields = ["name", "city"]
    filter_horizontal = ["members"]


@admin.register(Batch)
class BatchAdmin(CountryScopedAdmin):
    """Batches are created on /print/batches/new/ (it parses the signer list); here they are followed up."""

    country_scope_path = "host_country"

    list_display = [
        "pk",
        "group",
        "campaign",
        "host_country",
        "signer_mode",
        "letters_total",
        "letters_rendered",
        "status",
        "posted_on",
    ]
    list_filter = ["status", "signer_mode", "campaign", "host_country"]
    list_select_related = ["group", "campaign"]
    readonly_fields = [
        "campaign",
        "template",
        "group",
        "host_country",
        "whole_country",
        "offices",
        "signer_mode",
        "group_signature",
        "copies_per_office",
        "sign_lines",
        "paper",
        "status",
        "letters_total",
        "letters_rendered",
        "signers_count",
        "pages",
        "failure_reason",
        "files",
        "created_by",
        "created_at",
        "generation_started_at",
        "generated_at",
        "printed_at",
        "posted_on",
        "signers_erased_at",
    ]
    exclude = ["pdf", "csv"]  # shown as checked download links (files), never as editable media URLs
    actions = ["mark_printed", "mark_posted_today", "generate_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("files"))
    def files(self, batch: Batch) -> str:
        # Media is never served by the web server: the download view checks who is asking.
        links = [
            format_html('<a href="{}">{}</a>', reverse("printing:batch_download", args=[batch.pk, kind]), kind.upper())
            for kind, file in (("pdf", batch.pdf), ("csv", batch.csv))
            if file
        ]
        return format_html_join(" · ", "{}", ((link,) for link in links)) or "–"

    @admin.action(description=_("Mark as printed"), permissions=["change"])
    def mark_printed(self, request: HttpRequest, queryset: QuerySet[Batch]) -> None:
        changed = sum(batch_mark_printed(batch=batch) for batch in queryset)
        self.message_user(
            request, ngettext("%d batch marked printed.", "%d batches marked printed.", changed) % changed
        )

    @admin.action(description=_("Mark as posted today (counts the letters)"), permissions=["change"])
    def mark_posted_today(self, request: HttpRequest, queryset: QuerySet[Batch]) -> None:
        changed = sum(batch_mark_posted(batch=batch, posted_on=timezone.localdate()) for batch in queryset)
        self.message_user(request, ngettext("%d batch marked posted.", "%d batches marked posted.", changed) % changed)

    @admin.action(description=_("Generate the PDF again (failed batches)"), permissions=["change"])
    def generate_again(self, request: HttpRequest, queryset: QuerySet[Batch]) -> None:
        failed = queryset.filter(status="failed", signers_erased_at__isnull=True)
        for batch in failed:
            batch_generation_queue(batch=batch)
        self.message_user(request, _("Queued: %(count)d.") % {"count": failed.count()}, messages.INFO)
