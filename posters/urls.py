from django.urls import path

from . import views

app_name = "posters"
urlpatterns = [
    path("<slug:slug>/", views.poster_list, name="poster_list"),
    path("<slug:slug>/<str:cc>/poster-<str:size>.pdf", views.poster_pdf, name="poster_pdf"),
    path("file/<id:upload_id>/", views.poster_upload_download, name="poster_upload"),
]

# Printed on posters, so short and without a language: the link it forwards to carries the poster's language.
short_urlpatterns = [
    path("q/<str:code>", views.short_link_follow, name="short_link"),
]
