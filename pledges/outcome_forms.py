"""The outcome follow-up's form, built from the campaign's question set (pledges/outcomes.py)."""

from django import forms

from core.forms import FilterForm
from core.privacy import refuse_personal_data

from .models import OutcomeQuestionSet, PledgeOutcome


class OutcomeForm(forms.Form):
    def __init__(self, *args, question_set: OutcomeQuestionSet, **kwargs):
        super().__init__(*args, **kwargs)
        q = question_set.question
        self.fields["benefit"] = forms.MultipleChoiceField(
            label=q("benefit")["label"],
            help_text=q("benefit").get("hint", ""),
            choices=question_set.choices("benefit"),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Select who benefited", "invalid_choice": "Select who benefited from the list"},
        )
        self.fields["reach"] = forms.ChoiceField(
            label=q("reach")["label"],
            help_text=q("reach").get("hint", ""),
            choices=question_set.choices("reach"),
            widget=forms.RadioSelect,
            error_messages={"required": "Select how far it reached", "invalid_choice": "Select how far it reached"},
        )
        self.fields["ongoing"] = forms.ChoiceField(
            label=q("ongoing")["label"],
            help_text=q("ongoing").get("hint", ""),
            choices=question_set.choices("ongoing"),
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select whether it is still going",
                "invalid_choice": "Select whether it is still going",
            },
        )
        self.fields["change"] = forms.CharField(
            label=q("change")["label"],
            help_text=(
                f"{q('change').get('hint', '')} Up to {PledgeOutcome.CHANGE_MAX} characters. Do not include "
                "anything about a patient: a sentence with an NHS number, phone number, email address or "
                "postcode is not accepted, because a published sentence is shown without a moderator."
            ).strip(),
            required=False,
            max_length=PledgeOutcome.CHANGE_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"max_length": f"What changed must be {PledgeOutcome.CHANGE_MAX} characters or fewer"},
        )
        self.fields["publish"] = forms.BooleanField(
            label=q("publish")["label"], help_text=q("publish").get("hint", ""), required=False
        )

    def clean_change(self):
        return refuse_personal_data(self.cleaned_data["change"], what="What changed")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publish") and not (cleaned.get("change") or "").strip() and "change" not in self.errors:
            self.add_error("publish", "Write what changed, or do not choose to publish it")
        return cleaned

    @staticmethod
    def initial_from(outcome: PledgeOutcome | None) -> dict:
        if outcome is None:
            return {}
        return {
            "benefit": outcome.benefit,
            "reach": outcome.reach,
            "ongoing": outcome.ongoing,
            "change": outcome.change,
            "publish": outcome.publish_change,
        }


class SentenceFilterForm(FilterForm):
    """Search and filters for the published sentences. Choices come from lists the view already
    loaded; unknown values are ignored, not errors (old links must not break)."""

    q = forms.CharField(label="Search what changed", required=False, max_length=200)
    theme = forms.ChoiceField(label="Theme", required=False)
    benefit = forms.ChoiceField(label="Who benefited", required=False)
    reach = forms.ChoiceField(label="How far it reached", required=False)

    def __init__(self, *args, themes=(), question_set: OutcomeQuestionSet, **kwargs):
        super().__init__(*args, choices=self.select_choices(themes, question_set), **kwargs)

    @staticmethod
    def select_choices(themes, question_set: OutcomeQuestionSet) -> dict[str, list[tuple[str, str]]]:
        """Each select's choices, in the order the form shows them."""
        return {
            "theme": [("", "All themes"), *themes],
            "benefit": [("", "Anyone"), *question_set.choices("benefit")],
            "reach": [("", "Any reach"), *question_set.choices("reach")],
        }
