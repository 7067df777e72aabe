from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.index, name="index"),
    path("log/", views.log_view, name="log"),
    path("<slug:key>/", views.queue_view, name="queue"),
    path("<slug:key>/<int:item_id>/", views.item_view, name="item"),
]
