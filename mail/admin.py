from django.contrib import admin, messages

from .models import Email, MailPreference
from .previews import all_previews
from .services import email_retry


class KindFilter(admin.SimpleListFilter):
    """The kinds come from the preview registry, not SELECT DISTINCT over a big table."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, kind) for kind in all_previews()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """The operators' view of the outbox: filter, read the error, send failed mail again."""

    list_display = ["created_at", "kind", "to", "category", "status", "attempts", "short_error", "sent_at"]
    list_filter = ["status", "category", KindFilter]
    search_fields = ["to", "key", "kind"]
    readonly_fields = [f.name for f in Email._meta.fields]
    actions = ["retry_failed"]
    list_per_page = 100
    # The outbox grows large: skip the extra unfiltered COUNT(*) on every page.
    show_full_result_count = False

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
