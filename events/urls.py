from django.urls import path, re_path

from . import views

app_name = "events"
COUNTRY = r"(?P<cc>[A-Za-z]{2})"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("e/<id:event_id>/", views.event_detail, name="event_detail"),
    path("e/<id:event_id>.ics", views.event_ics, name="event_ics"),
    path("e/<id:event_id>/rsvp/", views.event_rsvp_view, name="event_rsvp"),
    path("photos/<id:photo_id>/", views.event_photo, name="event_photo"),
    path("c/<slug:slug>.ics", views.campaign_ics, name="campaign_ics"),
    re_path(rf"^{COUNTRY}\.ics$", views.country_ics, name="country_ics"),
    re_path(rf"^{COUNTRY}/$", views.country_events, name="country_events"),
    re_path(rf"^{COUNTRY}/propose/$", views.proposal_form, name="event_propose"),
    re_path(rf"^{COUNTRY}/proposed/$", views.event_proposed, name="event_proposed"),
]
