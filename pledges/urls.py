from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("", views.index, name="index"),
]
