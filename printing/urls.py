from django.urls import path

from . import views

app_name = "printing"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<id:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<id:batch_id>/download.<str:kind>", views.batch_download, name="batch_download"),
    path("batches/<id:batch_id>/printed/", views.batch_printed, name="batch_printed"),
    path("batches/<id:batch_id>/posted/", views.batch_posted, name="batch_posted"),
    path("<slug:slug>/<str:cc>/letter.pdf", views.supporter_pdf, name="supporter_pdf"),
    path("<slug:slug>/<str:cc>/posted/", views.supporter_posted, name="supporter_posted"),
]
