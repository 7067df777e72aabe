from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("pledges.csv", views.pledges_csv, name="pledges_csv"),
    path("breakdown/<slug:by>.csv", views.breakdown_csv, name="breakdown_csv"),
    path("impact/outcomes.csv", views.impact_outcomes_csv, name="impact_outcomes_csv"),
    path("impact/activities.csv", views.impact_activities_csv, name="impact_activities_csv"),
    path("impact.json", views.impact_json, name="impact_json"),
]
