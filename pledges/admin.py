from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from moderation.admin import decision_action, decision_action_form
from moderation.models import Reason

from . import services
from .models import Campaign, OutcomeQuestionSet, Pledge, PledgeReport, PledgeSettings, Theme
from .outcomes import outcome_question_set_save


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "day", "opens_at", "closes_at", "target", "is_current"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PledgeSettings)
class PledgeSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pre_moderation"]

    def has_add_permission(self, request):
        return not PledgeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReportInline(admin.TabularInline):
    model = PledgeReport
    extra = 0
    readonly_fields = ["reporter", "reason", "detail", "created_at"]
    can_delete = False


def _decide(pledge, **decision) -> bool:
    return services.pledge_decide(pledge=pledge, **decision)


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows: a COUNT(*) over a million pledges on every admin page is too dear.
    Past the cap, narrow the list with the filters or search."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.CAP].count()


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    paginator = CappedCountPaginator
    list_display = ["id", "text", "status", "theme", "job_role", "region", "campaign", "done_at", "created_at"]
    list_filter = [
        "status",
        "campaign",
        "theme",
        "kind",
        "region",
        "sector",
        "job_role",
        ("done_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["text", "email", "name", "organisation_name"]
    list_select_related = ["theme", "campaign"]
    show_full_result_count = False  # no COUNT(*) over a million rows on every page
    raw_id_fields = ["user", "joined_from"]
    # Status moves only through the actions, so the totals stay right.
    readonly_fields = [
        "campaign",
        "theme",
        "job_role",
        "sector",
        "region",
        "email",
        "status",
        "email_normalised",
        "text_normalised",
        "joins_count",
        "confirm_sends",
        "confirm_sent_at",
        "confirmed_at",
        "published_at",
        "created_at",
        "done_at",
        "held_reason",
        # Counted in organisations:<pk>:pledges with the status; set only by the pledge form.
        "organisation",
    ]
    inlines = [ReportInline]

    def has_add_permission(self, request):
        return False  # pledges come in through the form, which keeps the totals

    # Each decision goes through pledge_decide: the audit row, and the author's email when
    # the reason chosen beside "reject" says so.
    action_form = decision_action_form(Reason.AppliesTo.PLEDGE)
    actions = [
        decision_action(
            _decide,
            action="publish",
            description="Publish the selected pledges",
            done="pledge(s) published",
            scope=Reason.AppliesTo.PLEDGE,
        ),
        decision_action(
            _decide,
            action="hide",
            description="Hide the selected pledges",
            done="pledge(s) hidden",
            scope=Reason.AppliesTo.PLEDGE,
        ),
        decision_action(
            _decide,
            action="reject",
            description="Reject the selected pledges (with the reason chosen)",
            done="pledge(s) rejected",
            scope=Reason.AppliesTo.PLEDGE,
            needs_reason=True,
        ),
    ]


@admin.register(PledgeReport)
class PledgeReportAdmin(admin.ModelAdmin):
    list_display = ["pledge", "reason", "created_at"]
    list_filter = ["reason"]
    raw_id_fields = ["pledge"]


@admin.register(OutcomeQuestionSet)
class OutcomeQuestionSetAdmin(admin.ModelAdmin):
    """The outcome follow-up's questions. Editing a set that has answers saves a new version."""

    list_display = ["__str__", "campaign", "version", "is_active", "created_at"]
    list_filter = ["is_active", "campaign"]
    readonly_fields = ["version", "created_at"]
    fields = ["campaign", "questions", "is_active", "version", "created_at"]

    def save_model(self, request, obj, form, change):
        was = obj.pk
        outcome_question_set_save(question_set=obj)
        if change and obj.pk != was:
            messages.info(request, f"That set has answers, so your changes were saved as version {obj.version}.")

    def has_delete_permission(self, request, obj=None):
        # Answers keep the set they answered.
        return obj is None or not obj.answers.exists()
