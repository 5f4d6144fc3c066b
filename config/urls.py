from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from common.health import healthz
from posters.urls import short_urlpatterns
from tracking.webhooks import InboundReplyWebhookView, PostalInboundReplyWebhookView, TrackingWebhookView

# Addresses machines call (health checks, ESP webhooks) and the organisers' admin carry no language.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/2fa/", include("accounts.urls")),  # before the admin's own, which would take any admin/ address
    path("admin/", admin.site.urls),
    path(
        "webhooks/anymail/postmark/inbound/", InboundReplyWebhookView.as_view(), name="tracking_postmark_inbound"
    ),  # before anymail's own: a larger body limit for replies with scanned letters
    path("webhooks/anymail/postmark/tracking/", TrackingWebhookView.as_view(), name="tracking_postmark_tracking"),
    path(
        "webhooks/anymail/postal/inbound/", PostalInboundReplyWebhookView.as_view(), name="tracking_postal_inbound"
    ),  # the same larger limit and raw triage as Postmark's
    path("webhooks/anymail/", include("anymail.urls")),
    path("webhooks/fax/", include("faxing.urls")),
    path("", include((short_urlpatterns, "shortlinks"))),
    path("api/", include("sharing.api_urls")),  # read-only JSON for other sites: versioned, no language
]

# Every page a person reads starts with its language (/pl/…), so a shared link opens in the sharer's language;
# a bare address is redirected to the visitor's language, negotiated from Accept-Language.
urlpatterns += i18n_patterns(
    path("embassies/", include("embassies.urls")),
    path("print/", include("printing.urls")),
    path("progress/", include("tracking.urls")),
    path("posters/", include("posters.urls")),
    path("", include("sharing.urls")),
    path("events/", include("events.urls")),
    path("corrections/", include("corrections.urls")),
    path("", include("campaign.urls")),
)

if settings.DEBUG and settings.DEV_MAILBOX_DIR:
    urlpatterns.insert(0, path("dev/mailbox/", include("devmailbox.urls")))
