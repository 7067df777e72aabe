from django import forms
from django.contrib import admin

from .milestones import rules_changed
from .models import Counter, Milestone, MilestoneRule


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["key", "shard", "value"]
    search_fields = ["key"]


class MilestoneRuleForm(forms.ModelForm):
    thresholds = forms.CharField(
        help_text="Whole numbers separated by commas, for example: 1000, 10000, 100000",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = MilestoneRule
        fields = ["pattern", "label", "thresholds", "audience", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["thresholds"] = ", ".join(str(number) for number in self.instance.thresholds)

    def clean_thresholds(self):
        raw = self.cleaned_data["thresholds"]
        try:
            numbers = sorted({int(part.replace("_", "").strip()) for part in raw.split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError("Enter whole numbers separated by commas, like 1000, 10000")
        if not numbers or numbers[0] <= 0:
            raise forms.ValidationError("Enter at least one number greater than 0")
        return numbers


@admin.register(MilestoneRule)
class MilestoneRuleAdmin(admin.ModelAdmin):
    form = MilestoneRuleForm
    list_display = ["pattern", "label", "thresholds", "audience", "active"]
    list_filter = ["audience", "active"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        rules_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        rules_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        rules_changed()


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["reached_at", "key", "threshold", "value_at_crossing", "label", "announced_at"]
    search_fields = ["key", "label"]
    readonly_fields = [f.name for f in Milestone._meta.fields]
