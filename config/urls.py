from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from pages import views as pages_views

urlpatterns = [
    path("", pages_views.home, name="home"),
    path("impact/", pages_views.impact, name="impact"),
    path("privacy/", pages_views.privacy, name="privacy"),
    path("privacy/retention/", pages_views.retention, name="retention"),
    path("accessibility/", pages_views.accessibility, name="accessibility"),
    path("contact/", pages_views.contact, name="contact"),
    path("healthz", pages_views.healthz, name="healthz"),
    path("account/", include("allauth.urls")),
    path("my-account/", include("accounts.urls")),
    path("pledges/", include("pledges.urls")),
    path("care-makers/", include("ambassadors.urls")),
    path("social-care-commitment/", include("organisations.urls")),
    path("moderation/", include("moderation.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("email/", include("mail.urls")),
    path("milestones/", include("counters.urls")),
    path("admin/", admin.site.urls),
]

if apps.is_installed("bench"):  # only under config/settings_bench.py (make bench)
    urlpatterns.append(path("bench/", include("bench.urls")))

handler400 = "pages.views.bad_request"
handler403 = "pages.views.permission_denied"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"

admin.site.site_header = "Care Pledge administration"
admin.site.site_title = "Care Pledge admin"
