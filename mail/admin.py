from django.contrib import admin, messages

from .models import Email, MailPreference
from .services import email_retry


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """The operators' view of the outbox: filter, read the error, send failed mail again."""

    list_display = ["created_at", "kind", "to", "category", "status", "attempts", "short_error", "sent_at"]
    list_filter = ["status", "category", "kind"]
    search_fields = ["to", "key", "kind"]
    readonly_fields = [f.name for f in Email._meta.fields]
    actions = ["retry_failed"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    @admin.display(description="Last error")
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.action(description="Send the selected failed emails again")
    def retry_failed(self, request, queryset):
        count = email_retry(email_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(request, f"{count} failed emails put back in the queue.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} selected emails had not failed and were left alone.", messages.WARNING
            )


@admin.register(MailPreference)
class MailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["email", "reminders", "news", "campaign_news", "updated_at"]
    list_filter = ["reminders", "news", "campaign_news"]
    search_fields = ["email"]
