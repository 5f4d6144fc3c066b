from django.urls import path

app_name = "printing"
urlpatterns: list = []
