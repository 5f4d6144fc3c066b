from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from common.health import healthz
from tracking.webhooks import InboundReplyWebhookView

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("embassies/", include("embassies.urls")),
    path("print/", include("printing.urls")),
    path("progress/", include("tracking.urls")),
    path(
        "webhooks/anymail/postmark/inbound/", InboundReplyWebhookView.as_view(), name="tracking_postmark_inbound"
    ),  # before anymail's own: a larger body limit for replies with scanned letters
    path("webhooks/anymail/", include("anymail.urls")),
    path("", include("campaign.urls")),
]

if settings.DEBUG and settings.DEV_MAILBOX_DIR:
    urlpatterns.insert(0, path("dev/mailbox/", include("devmailbox.urls")))
