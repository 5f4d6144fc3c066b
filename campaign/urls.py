from django.urls import path

from . import views

app_name = "campaign"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("forget/", views.forget_request, name="forget_request"),
    path("privacy/", views.privacy, name="privacy"),
    path("c/<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("c/<slug:slug>/theme.css", views.campaign_theme, name="campaign_theme"),
    path("c/<slug:slug>/check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("c/<slug:slug>/confirm/<str:token>/", views.submission_confirm, name="submission_confirm"),
    path("c/<slug:slug>/letters/<str:token>/", views.letter_status, name="letter_status"),
    path("c/<slug:slug>/forget/<str:token>/", views.submission_forget, name="submission_forget"),
    path("c/<slug:slug>/<str:cc>/", views.letter_form, name="letter_form"),
]
