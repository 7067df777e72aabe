from django.urls import path

from . import views

app_name = "ambassadors"
urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("apply/tell-me/", views.waitlist, name="waitlist"),
    path("my-application/", views.my_application, name="my_application"),
    path("my-application/withdraw/", views.withdraw, name="withdraw"),
    path("endorse/<str:token>/", views.endorse, name="endorse"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("directory/", views.directory, name="directory"),
    path("directory/<int:number>/", views.profile, name="profile"),
    path("my-profile/", views.my_profile, name="my_profile"),
    path("my-profile/recommit/", views.recommit_me, name="recommit_me"),
    path("my-profile/activities/", views.my_activities, name="my_activities"),
    path("my-profile/activities/new/", views.activity_new, name="activity_new"),
    path("my-profile/activities/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("my-profile/activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("counts/", views.counts, name="counts"),
    path("impact/", views.impact, name="impact"),
    path("impact/figures.csv", views.impact_csv, name="impact_csv"),
    path("impact/figures.json", views.impact_json, name="impact_json"),
    path("stories/", views.stories, name="stories"),
    path("stories/new/", views.story_new, name="story_new"),
    path("stories/moderate/", views.moderate_stories, name="moderate_stories"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("recommit/<str:token>/", views.recommit, name="recommit"),
]
