from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_home, name="home"),
    path("details/", views.profile_edit, name="profile"),
    path("name/", views.name, name="name"),
    path("your-data/", views.data_download, name="data_download"),
    path("delete/", views.account_delete, name="delete"),
    path("data-requests/", views.data_request, name="data_request"),
    path("your-data/<str:token>/", views.data_by_link, name="data_by_link"),
    path("your-data/<str:token>/your-data.json", views.data_by_link_json, name="data_by_link_json"),
    path("your-data/<str:token>/your-pledges.csv", views.data_by_link_csv, name="data_by_link_csv"),
    path("your-data/<str:token>/delete/", views.data_by_link_delete, name="data_by_link_delete"),
]
