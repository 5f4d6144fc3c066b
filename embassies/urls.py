from django.urls import path

from . import views

app_name = "embassies"
urlpatterns = [
    path("", views.country_list, name="country_list"),
    path("directory.csv", views.directory_csv, name="directory_csv"),
    path("<str:cc>/", views.country_detail, name="country_detail"),
    path("<str:cc>/offices.csv", views.country_csv, name="country_csv"),
]
