from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("pledges.csv", views.pledges_csv, name="pledges_csv"),
    path("breakdown/<slug:by>.csv", views.breakdown_csv, name="breakdown_csv"),
]
