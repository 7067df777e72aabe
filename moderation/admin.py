from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm

from .models import ContactView, Decision, Reason

ADMIN_NOTE = "Decided in the admin"


def decision_action_form(scope: str) -> type[ActionForm]:
    """The admin's action bar with a reason beside the action, for the actions that need one."""

    class DecisionActionForm(ActionForm):
        reason = forms.ModelChoiceField(
            queryset=Reason.objects.filter(active=True, applies_to__in=[Reason.AppliesTo.ANY, scope]),
            required=False,
            empty_label="Reason (to reject)",
        )

    return DecisionActionForm


def decision_action(
    decide: Callable[..., bool], *, action: str, description: str, done: str, scope: str, needs_reason: bool = False
):
    """An admin action that decides each selected item through its programme's decision
    service (`decide(item, action=, moderator=, reason=, note=)`), which writes the audit row and
    emails the author when the reason says so. `done` completes "3 ..." in the message."""

    def run(modeladmin, request, queryset):
        reason_id = request.POST.get("reason", "")
        reason = (
            Reason.objects.filter(active=True, applies_to__in=[Reason.AppliesTo.ANY, scope], pk=reason_id).first()
            if reason_id.isdigit()
            else None
        )
        if needs_reason and reason is None:
            modeladmin.message_user(request, "Choose a reason beside the action, then try again.", messages.ERROR)
            return
        changed = 0
        for item in queryset:
            changed += decide(item, action=action, moderator=request.user, reason=reason, note=ADMIN_NOTE)
        modeladmin.message_user(request, f"{changed} {done}.", messages.SUCCESS)

    run.short_description = description
    run.__name__ = f"decide_{action.replace('-', '_')}"
    return run


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "applies_to", "notify_author", "active", "position"]
    list_editable = ["notify_author", "active", "position"]
    list_filter = ["applies_to", "notify_author", "active"]
    prepopulated_fields = {"code": ["label"]}


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """The audit log is read-only: decisions are made in the moderation pages."""

    list_display = ["created_at", "actor_name", "action", "item_type", "item_id", "reason_label"]
    list_filter = ["item_type", "action"]
    search_fields = ["item_summary", "note", "actor_name", "reason_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactView)
class ContactViewAdmin(DecisionAdmin):
    list_display = ["created_at", "moderator", "item_type", "item_id", "why"]
    list_filter = ["item_type"]
    search_fields = ["why"]
