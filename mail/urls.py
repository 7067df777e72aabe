from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("previews/", views.preview_list, name="preview_list"),
    path("previews/<slug:kind>/", views.preview_detail, name="preview_detail"),
    path("previews/<slug:kind>/html/", views.preview_html, name="preview_html"),
]
