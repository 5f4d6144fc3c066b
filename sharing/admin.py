"""Embedding sites, edited like the campaign itself: a campaign is shared by every country by design, so whoever
may change campaigns decides where its counter may be framed."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from .links import site_url
from .models import EmbedOrigin

CAMPAIGN_CHANGE = "campaign.change_campaign"


@admin.register(EmbedOrigin)
class EmbedOriginAdmin(admin.ModelAdmin):
    list_display = ["origin", "campaign", "created_at"]
    list_filter = ["campaign"]
    search_fields = ["origin"]
    readonly_fields = ["embed_code"]

    @admin.display(description=_("code for the site's page"))
    def embed_code(self, obj: EmbedOrigin) -> str:
        if obj.pk is None:
            return "–"
        source = site_url(reverse("sharing:embed", args=[obj.campaign.slug]))
        snippet = f'<iframe src="{source}" width="440" height="260" title="{escape(obj.campaign.title)}"></iframe>'
        return format_html(
            "<code>{}</code><br>{}",
            snippet,
            _("The address starts with the counter's language; change it for another one, like /de/ or /uk/."),
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(CAMPAIGN_CHANGE)

    def has_view_permission(self, request: HttpRequest, obj: EmbedOrigin | None = None) -> bool:
        return request.user.has_perm(CAMPAIGN_CHANGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(CAMPAIGN_CHANGE)

    def has_change_permission(self, request: HttpRequest, obj: EmbedOrigin | None = None) -> bool:
        return request.user.has_perm(CAMPAIGN_CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj: EmbedOrigin | None = None) -> bool:
        return request.user.has_perm(CAMPAIGN_CHANGE)
