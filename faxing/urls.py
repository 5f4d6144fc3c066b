from django.urls import path

from .views import sinch_callback

app_name = "faxing"

urlpatterns = [
    path("sinch/<id:letter_id>/<str:token>/", sinch_callback, name="sinch_callback"),
]
