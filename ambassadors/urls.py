from django.urls import path

from . import views

app_name = "ambassadors"
urlpatterns = [
    path("", views.index, name="index"),
]
