from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("verify/", views.otp_verify, name="otp_verify"),
    path("enrol/", views.otp_enrol, name="otp_enrol"),
]
