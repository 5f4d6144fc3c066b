from django.urls import path

from . import views

app_name = "embassies"
urlpatterns = [path("", views.country_list, name="country_list")]
