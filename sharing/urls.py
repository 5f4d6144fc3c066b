"""Public pages of sharing, under the language prefix: the embed, the social card and the Mastodon share page."""

from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("embed/<slug:slug>/", views.embed, name="embed"),
    path("share/<slug:slug>/card.png", views.og_image, name="og_image"),
    path("share/<slug:slug>/mastodon/", views.mastodon_share, name="mastodon_share"),
]
