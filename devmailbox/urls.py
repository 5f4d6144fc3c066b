from django.urls import path

from . import views

app_name = "devmailbox"
urlpatterns = [
    path("", views.mailbox_list, name="list"),
    path("<str:name>/", views.mailbox_message, name="message"),
]
