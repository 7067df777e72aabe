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
]
