"""The site's URLs plus the dev mailbox, which config.urls adds only when DEBUG is on."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("dev/mailbox/", include("devmailbox.urls")), *site_urlpatterns]
