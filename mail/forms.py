from django import forms

from .models import MailPreference


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = MailPreference
        fields = ["reminders", "news", "campaign_news", "region"]
        labels = {
            "reminders": "Reminders and follow-ups",
            "news": "News about the campaign and the organisations you are part of",
            "campaign_news": "An email when the campaign reaches a milestone",
            "region": "Your region (optional)",
        }
        help_texts = {
            "reminders": "For example, a note a month after your pledge to ask how it is going.",
            "news": "For example, when your organisation's staff reach 50 commitments.",
            "campaign_news": "A few a year at most, such as the day we reach 10,000 pledges.",
            "region": "Milestones for one region, such as 1,000 pledges in the North West, go only to people there.",
        }
