from django import forms

from .models import Reason
from .queues import Queue


class DecideForm(forms.Form):
    action = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect, error_messages={"required": "Select a decision"}
    )
    reason = forms.ModelChoiceField(
        label="Reason",
        queryset=Reason.objects.none(),
        required=False,
        empty_label="Choose a reason",
        help_text="Needed to reject or hide. Some reasons email the author; the others hide the item quietly.",
    )
    note = forms.CharField(
        label="Note for the record (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit log with your decision. Never sent to the author.",
    )

    def __init__(self, *args, queue: Queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue = queue
        self.fields["action"].choices = [(key, action.label) for key, action in queue.actions.items()]
        self.fields["reason"].queryset = Reason.objects.filter(active=True, applies_to__in=["any", queue.reason_scope])

    def clean(self):
        cleaned = super().clean()
        action = self.queue.actions.get(cleaned.get("action") or "")
        if action and action.needs_reason and not cleaned.get("reason"):
            self.add_error("reason", "Select a reason for this decision")
        return cleaned

    def decision_args(self) -> dict:
        """The arguments of services.items_decide, from a valid form."""
        return {
            "action_key": self.cleaned_data["action"],
            "reason": self.cleaned_data["reason"],
            "note": self.cleaned_data["note"],
        }


class BulkDecideForm(DecideForm):
    items = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": "Select at least one item"}, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any item id is taken, not only those of the page shown (so the field has no
        # choices: the queue page draws its own checkboxes): items decided by someone else
        # since the page loaded are reported, not refused.
        self.fields["items"].valid_value = lambda value: str(value).isdigit()


class ItemIntentForm(forms.Form):
    """Which of the item page's forms was sent: each names its intent (claim, release, decide or
    contact), and the view hands the post to that intent's own form."""

    intent = forms.ChoiceField(choices=[(i, i) for i in ("claim", "release", "decide", "contact")])


class ClaimForm(forms.Form):
    """Claim the item, or release your claim: the button is all there is."""


class ContactForm(forms.Form):
    why = forms.CharField(
        label="Why do you need the author's contact details?",
        max_length=200,
        error_messages={"required": "Say why you need the contact details"},
        help_text="This is recorded with your name.",
    )


class LogSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the log", required=False, help_text="Words from the item, a note, a reason or a moderator's name"
    )
    item_type = forms.ChoiceField(label="Type", required=False, choices=[("", "Everything")])

    def __init__(self, *args, item_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_type"].choices = [("", "Everything"), *[(t, t.capitalize()) for t in item_types]]
