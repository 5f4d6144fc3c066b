from django.urls import path

from . import views

app_name = "corrections"
urlpatterns = [
    path("office/<id:office_id>/", views.report_form, name="office_report"),
    path("office/<id:office_id>/sent/", views.report_sent, name="office_report_sent"),
]
