from django.urls import path

from . import impact_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.index, name="index"),
    path("impact/", impact_views.impact, name="impact"),
    path("impact/figures.csv", impact_views.impact_csv, name="impact-csv"),
    path("impact/figures.json", impact_views.impact_json, name="impact-json"),
    path("register/", views.register, name="register"),
    path("register/ask-to-join/<str:cqc_id>/", views.request_access, name="request-access"),
    path("access-requests/<int:pk>/", views.access_request_review, name="access-request"),
    path("my-tasks/<int:pk>/done/", views.employee_task_done, name="employee-task-done"),
    path("join/", views.join_code, name="join-code"),
    path("join/<str:token>/", views.join_invite, name="join-invite"),
    path("organisations/", views.directory_view, name="directory"),
    path("organisations/lookup.json", views.lookup, name="lookup"),
    path("organisations/<slug:slug>/", views.detail, name="detail"),
    path("organisations/<slug:slug>/badge.svg", views.badge, name="badge"),
    path("organisations/<slug:slug>/badge.png", views.badge_png_view, name="badge-png"),
    path("organisations/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("organisations/<slug:slug>/people/", views.members, name="members"),
    path("organisations/<slug:slug>/people/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("organisations/<slug:slug>/poster/", views.poster, name="poster"),
    path("organisations/<slug:slug>/certificate/", views.certificate, name="certificate"),
    path("organisations/<slug:slug>/invite/", views.staff_invite, name="staff-invite"),
    path("organisations/<slug:slug>/invitation/new/", views.invitation_rotate, name="invitation-rotate"),
    path("organisations/<slug:slug>/commit/", views.commit, name="commit"),
    path("organisations/<slug:slug>/commit/sign/", views.commit_sign, name="commit-sign"),
    path("organisations/<slug:slug>/tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("organisations/<slug:slug>/tasks/<int:pk>/evidence/", views.task_evidence, name="task-evidence"),
    path("organisations/<slug:slug>/renew/", views.renew, name="renew"),
    path("organisations/<slug:slug>/join/", views.join, name="join"),
    path("organisations/<slug:slug>/champion/", views.champion, name="champion"),
]
