from django.contrib import admin, messages

from . import services
from .models import (
    Activity,
    Application,
    CareMaker,
    Eligibility,
    EligibilityWaitlist,
    Intake,
    RegionalLead,
    Story,
)


@admin.register(Eligibility)
class EligibilityAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "is_open", "opened_at"]
    list_filter = ["kind", "is_open"]
    readonly_fields = ["is_open", "opened_at"]
    actions = ["open_selected", "close_selected"]

    @admin.action(description="Open to applications (and email people waiting)")
    def open_selected(self, request, queryset):
        told = 0
        for kind in {row.kind for row in queryset}:
            told += services.eligibility_widen(
                kind=kind, values=list(queryset.filter(kind=kind).values_list("value", flat=True))
            )
        self.message_user(request, f"Opened. {told} waiting people emailed.", messages.SUCCESS)

    @admin.action(description="Close to new applications")
    def close_selected(self, request, queryset):
        for kind in {row.kind for row in queryset}:
            services.eligibility_narrow(
                kind=kind, values=list(queryset.filter(kind=kind).values_list("value", flat=True))
            )
        self.message_user(request, "Closed to new applications.", messages.SUCCESS)


@admin.register(EligibilityWaitlist)
class EligibilityWaitlistAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "sector", "created_at", "notified_at"]
    list_filter = ["role", "sector", ("notified_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_on", "closes_on", "places", "is_pilot", "recorded_applications", "recorded_size"]
    list_filter = ["is_pilot"]


@admin.register(RegionalLead)
class RegionalLeadAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "role", "sector", "region", "intake", "status", "submitted_at", "endorsed_at"]
    list_filter = ["status", "region", "role", "sector", "intake", "chosen_c"]
    search_fields = ["user__email", "organisation"]
    raw_id_fields = ["user", "decided_by", "listed_organisation"]
    readonly_fields = ["status", "decided_by", "decided_at", "decline_reason", "decision_note", "endorsed_at"]


@admin.register(CareMaker)
class CareMakerAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "role", "region", "sector", "intake", "active", "public_profile", "joined_on"]
    list_filter = ["active", "public_profile", "region", "role", "sector", "intake", "chosen_c"]
    search_fields = ["user__email", "display_name", "number"]
    raw_id_fields = ["user", "application"]
    # Activity changes only through recommit and lapse, which keep the counters right.
    readonly_fields = ["active", "lapsed_at", "role", "region", "sector", "listed_organisation"]

    def has_add_permission(self, request):
        return False  # Care Makers are made by approving an application.


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "care_maker", "c", "status", "held", "submitted_at", "published_at"]
    list_filter = ["status", "c", "held"]
    search_fields = ["title", "text"]
    readonly_fields = ["status", "moderated_by", "moderated_at", "published_at", "held", "held_reasons"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read only: a change here would bypass the services that keep the public totals."""

    list_display = ["done_on", "kind", "reach", "care_maker"]
    list_filter = ["kind", "reach"]
    list_select_related = ["care_maker"]
    date_hierarchy = "done_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
