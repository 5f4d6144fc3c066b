from django.urls import path

app_name = "devmailbox"
urlpatterns: list = []
