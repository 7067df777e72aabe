from django.contrib import admin, messages

from moderation.admin import decision_action, decision_action_form
from moderation.models import Reason

from . import services
from .models import (
    AccessRequest,
    CommitmentTask,
    EmployeeCommitment,
    EmployeeCommitmentTask,
    EmployerCommitment,
    Membership,
    Organisation,
    Statement,
    StatementSet,
    Task,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


def _decide(organisation, *, moderator, **decision) -> bool:
    return services.organisation_verify(organisation=organisation, admin=moderator, **decision)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "cqc_provider_id", "town", "region", "verified_at", "created_at"]
    list_filter = ["type", "region", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "town", "cqc_provider_id", "ods_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "verified_at",
        "verified_by",
        "verification_refused_at",
        "verification_refused_reason",
        "created_at",
        "created_by",
        "invite_version",
    ]
    inlines = [MembershipInline]
    # Verification moves only through organisation_verify (audit row, representatives told).
    action_form = decision_action_form(Reason.AppliesTo.ORGANISATION)
    actions = [
        decision_action(
            _decide,
            action="verify",
            description="Verify the selected organisations (tells their representatives)",
            done="organisation(s) verified",
            scope=Reason.AppliesTo.ORGANISATION,
        ),
        decision_action(
            _decide,
            action="cannot-verify",
            description="Cannot verify the selected organisations (with the reason chosen)",
            done="organisation(s) marked as not verified",
            scope=Reason.AppliesTo.ORGANISATION,
            needs_reason=True,
        ),
    ]


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["organisation", "user", "job_title", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["organisation", "user"]
    readonly_fields = ["decided_at", "decided_by"]
    actions = ["approve"]

    @admin.action(description="Approve the selected requests")
    def approve(self, request, queryset):
        for access_request in queryset.filter(status=AccessRequest.Status.PENDING):
            services.access_request_approve(access_request=access_request, user=request.user)
        self.message_user(request, "Requests approved.", messages.SUCCESS)


class TaskInline(admin.TabularInline):
    model = Task
    extra = 1


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "statement_set", "audience", "number"]
    list_filter = ["statement_set", "audience"]
    inlines = [TaskInline]


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    show_change_link = True


@admin.register(StatementSet)
class StatementSetAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at"]
    inlines = [StatementInline]


class CommitmentTaskInline(admin.TabularInline):
    model = CommitmentTask
    extra = 0
    fields = [
        "statement_number",
        "task_text",
        "target_date",
        "done_at",
        "evidence",
        "evidence_published_at",
        "overdue_since",
    ]
    # Published by a representative after the privacy check; counted overdue by the nightly rollup.
    readonly_fields = ["statement_number", "task_text", "evidence_published_at", "overdue_since"]


@admin.register(EmployerCommitment)
class EmployerCommitmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "committed_on", "renewal_due_on", "signatory_name"]
    date_hierarchy = "committed_on"
    raw_id_fields = ["organisation", "signed_by"]
    readonly_fields = ["statements", "statement_set"]
    inlines = [CommitmentTaskInline]


class EmployeeCommitmentTaskInline(admin.TabularInline):
    model = EmployeeCommitmentTask
    extra = 0
    readonly_fields = ["statement_number", "task_text"]
    fields = ["statement_number", "task_text"]


@admin.register(EmployeeCommitment)
class EmployeeCommitmentAdmin(admin.ModelAdmin):
    list_display = ["pk", "organisation", "is_assisted", "created_at"]
    list_filter = [("user", admin.EmptyFieldListFilter)]
    raw_id_fields = ["user", "organisation", "assisted_by"]
    readonly_fields = ["statements", "statement_set"]
    inlines = [EmployeeCommitmentTaskInline]


admin.site.register(Membership, list_display=["organisation", "user", "role"], raw_id_fields=["organisation", "user"])
