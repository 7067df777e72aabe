from django import forms
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from core.forms import DateField, FilterForm
from core.privacy import refuse_personal_data
from moderation.models import Reason
from organisations.selectors import organisation_matches

from . import selectors, services
from .models import Activity, Application, CareMaker, Intake, SixC, Story

EMPTY = [("", "Choose one")]


class ApplicationForm(forms.Form):
    role = forms.ChoiceField(
        label="Your job role", choices=EMPTY + JobRole.choices, error_messages={"required": "Choose your job role"}
    )
    sector = forms.ChoiceField(
        label="Where you work", choices=EMPTY + Sector.choices, error_messages={"required": "Choose where you work"}
    )
    organisation = forms.CharField(
        label="Your organisation",
        max_length=200,
        help_text="For example, the trust, practice, care home or university. Type its name or its CQC "
        "provider ID: if it is in our directory of care providers, you are counted among its Care Makers "
        "(as a number only, never by name). Its name is shown on your public profile, so give the name "
        "only, without an address or phone number.",
        widget=forms.TextInput(attrs={"autocomplete": "organization", "list": "organisation-options"}),
        error_messages={"required": "Enter the name of your organisation"},
    )
    region = forms.ChoiceField(
        label="Your region", choices=EMPTY + Region.choices, error_messages={"required": "Choose your region"}
    )
    years_in_role = forms.IntegerField(
        label="Years in your role, or your year of study",
        min_value=0,
        max_value=60,
        help_text="If you are a student, give your year of study, for example 2.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}),
        error_messages={
            "required": "Enter how many years you have been in your role, or your year of study",
            "invalid": "Years in your role must be a whole number, like 3",
            "min_value": "Years in your role must be 0 or more",
            "max_value": "Years in your role must be 60 or fewer",
        },
    )
    statement = forms.CharField(
        label="Why do you want to be a Care Maker?",
        help_text=(
            f"Between {services.MIN_WORDS} and {services.MAX_WORDS} words, and {Application.STATEMENT_MAX:,} "
            "characters or fewer. Tell us what you would do to spread the 6Cs where you work."
        ),
        max_length=Application.STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "data-maxwords": str(services.MAX_WORDS)}),
        error_messages={
            "required": "Tell us why you want to be a Care Maker",
            "max_length": f"Your statement must be {Application.STATEMENT_MAX:,} characters or fewer",
        },
    )
    chosen_c = forms.ChoiceField(
        label="Which of the 6Cs do you most want to champion?",
        choices=SixC.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the C you most want to champion"},
    )
    agreed = forms.BooleanField(
        label="I agree to show all 6Cs in my own work and to speak up for them where I work",
        error_messages={"required": "You must agree to demonstrate and advocate all 6Cs"},
    )
    manager_name = forms.CharField(label="Line manager's name (optional)", max_length=120, required=False)
    manager_email = forms.EmailField(
        label="Line manager's email address (optional)",
        required=False,
        help_text="We will ask them to endorse your application with one click.",
        error_messages={
            "invalid": "Enter your line manager's email address in the correct format, like name@example.nhs.uk"
        },
    )

    def clean_organisation(self):
        return refuse_personal_data(self.cleaned_data["organisation"], what="Your organisation")

    def clean_statement(self):
        statement = self.cleaned_data["statement"].strip()
        count = services.word_count(statement)
        if count < services.MIN_WORDS:
            raise forms.ValidationError(f"Your statement must be at least {services.MIN_WORDS} words (it is {count})")
        if count > services.MAX_WORDS:
            raise forms.ValidationError(f"Your statement must be {services.MAX_WORDS} words or fewer (it is {count})")
        return statement

    def clean(self):
        data = super().clean()
        role, sector = data.get("role"), data.get("sector")
        if role and sector and not services.is_eligible(role=role, sector=sector):
            self.not_eligible = True
            open_roles = services.open_values("role")
            field = "role" if role not in open_roles else "sector"
            # The label keeps its own case ("NHS acute"): the sentence is written around it.
            label = JobRole(role).label if field == "role" else Sector(sector).label
            self.add_error(field, f"Applications are not open yet for the {field} you chose: {label}")
        # Exactly one directory entry named: link it. Otherwise the words stay free text.
        matches = organisation_matches(data["organisation"]) if data.get("organisation") else []
        data["listed_organisation"] = matches[0] if len(matches) == 1 else None
        if data["listed_organisation"] is not None:
            data["organisation"] = data["listed_organisation"].name
        if data.get("manager_email") and not data.get("manager_name"):
            self.add_error("manager_name", "Enter your line manager's name, or leave both manager fields empty")
        return data


class WaitlistForm(forms.Form):
    role = forms.ChoiceField(choices=JobRole.choices, widget=forms.HiddenInput)
    sector = forms.ChoiceField(choices=Sector.choices, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Its hidden inputs sit on the apply page above the application's own role and sector
        # selects: with the default ids they would take id_role and id_sector from them, and
        # the selects' labels would point at the hidden inputs.
        kwargs.setdefault("auto_id", "waitlist_%s")
        super().__init__(*args, **kwargs)


class EligibilityCheckForm(forms.Form):
    """Role and sector on their own, to check who may apply before writing an application."""

    role = forms.ChoiceField(label="Your job role", choices=[("", "Choose your role"), *JobRole.choices])
    sector = forms.ChoiceField(label="Where you work", choices=[("", "Choose a sector"), *Sector.choices])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "check_%s")  # the application form's own selects keep id_role, id_sector
        super().__init__(*args, **kwargs)


def _full_width(fields) -> None:
    """GET filters laid out in a row: each select fills its column."""
    for field in fields.values():
        field.widget.attrs["class"] = "nhsuk-u-width-full"


class _Filters(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _full_width(self.fields)


class ReviewFilterForm(_Filters):
    region = forms.ChoiceField(label="Region", choices=[("", "All your regions")] + Region.choices, required=False)
    role = forms.ChoiceField(label="Role", choices=[("", "All roles")] + JobRole.choices, required=False)
    intake = forms.ModelChoiceField(
        label="Intake", queryset=Intake.objects.all(), required=False, empty_label="All intakes"
    )
    status = forms.ChoiceField(
        label="Status", choices=Application.Status.choices, required=False, initial=Application.Status.SUBMITTED
    )

    def __init__(self, query, *, regions: set[str]):
        """`query` is the page's GET: with no status chosen, the queue shows those waiting."""
        data = query.copy()
        data.setdefault("status", Application.Status.SUBMITTED)
        super().__init__(data)
        self.regions = regions
        self.fields["region"].choices = [("", "All your regions")] + [
            (value, label) for value, label in Region.choices if value in regions
        ]

    def applications(self):
        """The lead's applications, narrowed by whichever filters are valid."""
        values = self.cleaned_data if self.is_valid() else {}
        return selectors.review_queue(
            regions=self.regions,
            region=values.get("region", ""),
            role=values.get("role", ""),
            intake=values.get("intake"),
            status=values.get("status", ""),
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or decline"},
    )
    reason = forms.ModelChoiceField(
        label="Reason for declining",
        queryset=Reason.objects.filter(active=True, applies_to=Reason.AppliesTo.APPLICATION),
        required=False,
        empty_label="Choose a reason",
        help_text="Only needed if you decline. The applicant sees this reason.",
    )
    note = forms.CharField(
        label="Note to the applicant (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="1,000 characters or fewer.",
        error_messages={"max_length": "Your note must be 1,000 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason"):
            self.add_error("reason", "Choose a reason for declining")
        return data

    def decision_args(self) -> dict:
        """The service's arguments (application_decide) from a valid form."""
        approve = self.cleaned_data["decision"] == "approve"
        return {
            "action": self.cleaned_data["decision"],
            "reason": None if approve else self.cleaned_data["reason"],
            "note": self.cleaned_data["note"],
        }


class BulkDecisionForm(DecisionForm):
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.all(),
        error_messages={"required": "Select at least one application"},
    )

    def chosen(self) -> list[Application]:
        return list(self.cleaned_data["applications"].select_related("user", "intake"))


class DirectoryFilterForm(FilterForm):
    region = forms.ChoiceField(label="Region", choices=[("", "All regions")] + Region.choices, required=False)
    role = forms.ChoiceField(label="Role", choices=[("", "All roles")] + JobRole.choices, required=False)
    sector = forms.ChoiceField(label="Sector", choices=[("", "All sectors")] + Sector.choices, required=False)
    c = forms.ChoiceField(label="The C they champion", choices=[("", "All 6Cs")] + SixC.choices, required=False)

    @classmethod
    def prepare_fields(cls, fields):
        _full_width(fields)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = CareMaker
        fields = ["public_profile", "show_activities", "display_name", "bio", "chosen_c"]
        widgets = {"chosen_c": forms.RadioSelect, "bio": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "public_profile": "Your name, role, region, organisation, chosen C and bio are shown publicly.",
            "show_activities": "Only if your profile is public. Otherwise your activities are counted in the "
            "totals for all Care Makers, without your name.",
            "display_name": "For example, your first name, or your first name and surname.",
            "bio": "A few sentences about you and your work, up to 600 characters. It is shown as soon as you "
            "save it, so do not include an NHS number, phone number, email address or postcode: we cannot "
            "accept those.",
        }
        error_messages = {
            "display_name": {"max_length": "The name to show must be 80 characters or fewer"},
            "bio": {"max_length": "About you must be 600 characters or fewer"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No blank radio: the error summary links to the first real option.
        self.fields["chosen_c"].choices = SixC.choices

    def clean_display_name(self):
        return refuse_personal_data(self.cleaned_data["display_name"], what="The name to show")

    def clean_bio(self):
        return refuse_personal_data(self.cleaned_data["bio"], what="Your bio")

    def clean(self):
        data = super().clean()
        if data.get("public_profile") and not (data.get("display_name") or "").strip():
            self.add_error("display_name", "Enter the name to show on your public profile")
        return data


class StoryForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = ["c", "title", "text"]
        labels = {"c": "Which of the 6Cs does your story show?", "title": "Title", "text": "Your story"}
        widgets = {"c": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "text": "Do not include names, NHS numbers, phone numbers, emails or postcodes of patients or colleagues. "
            "A moderator reads every story before it is published; one that seems to include any of these is "
            "marked for a closer check.",
        }
        error_messages = {
            "c": {"required": "Choose which of the 6Cs your story shows"},
            "title": {
                "required": "Enter a title for your story",
                "max_length": "The title must be 120 characters or fewer",
            },
            "text": {
                "required": "Enter your story",
                "max_length": "Your story must be 1,500 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["c"].choices = SixC.choices


class StoryFilterForm(forms.Form):
    c = forms.ChoiceField(label="Show stories about", choices=[("", "All 6Cs")] + SixC.choices, required=False)


class ActivityForm(forms.ModelForm):
    # The NHS.UK date input (three boxes), as the commitment forms use, not the browser's picker.
    done_on = DateField(
        label="When did you do it?",
        name="Date you did it",
        help_text="The day you did it. It cannot be in the future. For example, 27 3 2026.",
        error_messages={"required": "Enter the date you did it"},
    )
    cs = forms.MultipleChoiceField(
        label="Which of the 6Cs did it show?",
        help_text="Select all that apply.",
        choices=SixC.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one of the 6Cs it showed"},
    )

    class Meta:
        model = Activity
        fields = ["kind", "done_on", "cs", "reach", "description"]
        labels = {
            "kind": "What did you do?",
            "reach": "Roughly how many people did it reach?",
            "description": "A few words about it (optional)",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "reach": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reach": "A guess is fine: count everyone who heard, saw or took part.",
            "description": f"Up to {Activity.MAX_DESCRIPTION} characters. It is public if you list your activities "
            "on your profile, so do not include names, NHS numbers, phone numbers, email addresses or postcodes.",
        }
        error_messages = {
            "kind": {"required": "Choose what you did"},
            "reach": {"required": "Choose roughly how many people it reached"},
            "description": {
                "max_length": f"A few words about it must be {Activity.MAX_DESCRIPTION} characters or fewer"
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No blank radio: the error summary links to the first real option.
        self.fields["kind"].choices = Activity.Kind.choices
        self.fields["reach"].choices = Activity.Reach.choices
        if self.instance.pk and "cs" not in self.initial:
            self.initial["cs"] = self.instance.cs

    def clean(self):
        data = super().clean()
        # Before the model's own check that at least one C is set.
        self.instance.set_cs(data.get("cs") or [])
        return data

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on is None:
            return done_on
        if done_on > timezone.localdate():
            raise forms.ValidationError("Date you did it must be today or in the past")
        if done_on < Activity.EARLIEST:
            raise forms.ValidationError(
                f"The date must be on or after {Activity.EARLIEST:%-d %B %Y}, when Care Makers began"
            )
        return done_on

    def clean_description(self):
        return refuse_personal_data(self.cleaned_data["description"].strip(), what="A few words about it")
