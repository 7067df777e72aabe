from django.contrib import admin

from .models import ContactView, Decision, Reason


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
