"""The public JSON API, without a language prefix. The version is in the path: a change that breaks a client
gets /api/v2/, and v1 keeps answering as before."""

from django.urls import path, re_path

from . import api

app_name = "sharing_api"
urlpatterns = [
    path("v1/campaigns/<str:slug>/", api.campaign_counts, name="campaign"),
    path("v1/campaigns/<str:slug>/countries/<str:cc>/", api.country_counts, name="country"),
    re_path(r"^.*$", api.not_found, name="not_found"),
]
