from django.urls import path

from . import outcome_views, views
from .feeds import NewestPledgesFeed

app_name = "pledges"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("new/check/", views.check, name="check"),
    path("new/sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("campaigns/", views.archive, name="archive"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/image.png", views.image, name="image"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/manage/withdraw/", views.withdraw, name="withdraw"),
    path("manage/<str:token>/", views.manage_signed, name="manage_signed"),
    path("manage/<str:token>/withdraw/", views.withdraw_signed, name="withdraw_signed"),
    path("links/", views.links, name="links"),
    path("links/sent/", views.links_sent, name="links_sent"),
    path("outcome/<str:token>/", outcome_views.outcome, name="outcome"),
    path("impact/", outcome_views.impact, name="impact"),
    path("impact/figures.csv", outcome_views.impact_csv, name="impact_csv"),
    path("impact/figures.json", outcome_views.impact_json, name="impact_json"),
    path("impact/<slug:slug>/", outcome_views.impact, name="impact_campaign"),
    path("impact/<slug:slug>/figures.csv", outcome_views.impact_csv, name="impact_campaign_csv"),
    path("impact/<slug:slug>/figures.json", outcome_views.impact_json, name="impact_campaign_json"),
    path("counts.json", views.counts, name="counts"),
    path("counter.svg", views.counter_svg, name="counter_svg"),
    path("embed/", views.embed, name="embed"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/pledges.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data/pledges.json", views.open_data_json, name="open_data_json"),
    path("feed/", NewestPledgesFeed(), name="feed"),
]
