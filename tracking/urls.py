from django.urls import path

from .views import attachments, dashboard, public, survey

app_name = "tracking"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("survey/<str:token>/", survey.survey_answer, name="survey_answer"),
    path("replies/attachments/<id:attachment_id>/", attachments.reply_attachment_download, name="reply_attachment"),
    path("<slug:slug>/", public.progress, name="progress"),
    path("<slug:slug>/office/<id:office_id>/", public.office_page, name="office"),
    path("<slug:slug>/office/<id:office_id>/report/", public.office_contact_report, name="office_report"),
    path("<slug:slug>/<str:cc>/", public.progress_country, name="progress_country"),
]
