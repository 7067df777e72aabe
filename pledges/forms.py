from django import forms
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from accounts.choices import JobRole, Region, Sector
from core.forms import FilterForm, SharedFieldsForm
from core.privacy import refuse_personal_data
from core.urls import reverse
from organisations.selectors import organisation_matches

from .models import Campaign, Pledge, PledgeReport, Theme
from .selectors import active_theme

HONEYPOT = "website"
# The id of the <datalist> that organisation-lookup.js fills with directory suggestions.
ORGANISATION_OPTIONS = "organisation-options"


def _with_empty(choices, label):
    return [("", label), *choices]


class ActiveThemeField(forms.ModelChoiceField):
    """The active themes: drawn from its queryset, as Django draws them, but a theme sent is
    checked against the kept lists (pledges.selectors.active_theme; read from the database
    only for a theme added since they were read), so sending the form asks the database
    nothing for it. Django's field ran a query for every form sent."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            pk = int(value.pk if isinstance(value, Theme) else str(value))
        except (TypeError, ValueError):
            pk = None
        theme = active_theme(pk)
        if theme is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return theme


class PledgeForm(SharedFieldsForm):
    """The pledge and how the person is shown. Signed-in people skip name-and-email questions
    they have already answered; a join (`join=True`) takes the words and theme from the original.
    Its fields are made once per process for each of those variants (core.forms.SharedFieldsForm)."""

    text = forms.CharField(
        label="Your pledge",
        help_text="One thing you will do to make care better, in your own words. For example: "
        "“I will learn the names of everyone on my ward”. Do not include anything about a patient. A pledge "
        "with an NHS number, phone number, email address or postcode is checked by a moderator before it is shown.",
        min_length=Pledge.TEXT_MIN,
        max_length=Pledge.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter your pledge",
            "min_length": f"Your pledge must be {Pledge.TEXT_MIN} characters or more",
            "max_length": f"Your pledge must be {Pledge.TEXT_MAX} characters or fewer",
        },
    )
    theme = ActiveThemeField(
        label="Theme",
        help_text="The one that fits best.",
        queryset=Theme.objects.filter(is_active=True),
        empty_label="Choose a theme",
        error_messages={"required": "Choose a theme", "invalid_choice": "Choose a theme from the list"},
    )
    kind = forms.ChoiceField(
        label="Who is this pledge for?",
        choices=Pledge.Kind.choices,
        initial=Pledge.Kind.ME,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the pledge is for"},
    )
    job_role = forms.ChoiceField(
        label="Your role",
        choices=_with_empty(JobRole.choices, "Choose your role"),
        error_messages={"required": "Choose your role", "invalid_choice": "Choose your role from the list"},
    )
    sector = forms.ChoiceField(
        label="Where you work",
        help_text="Choose “Other” if you are a patient, service user or carer.",
        choices=_with_empty(Sector.choices, "Choose where you work"),
        error_messages={"required": "Choose where you work", "invalid_choice": "Choose where you work from the list"},
    )
    region = forms.ChoiceField(
        label="Region",
        choices=_with_empty(Region.choices, "Choose your region"),
        error_messages={"required": "Choose your region", "invalid_choice": "Choose your region from the list"},
    )
    organisation_name = forms.CharField(
        label="Organisation (optional)",
        help_text="The trust, care home, practice or other organisation you work for. Type its name or its "
        "CQC provider ID. If it is in our directory of care providers, your pledge is linked to its page "
        "and counted in its total. Any other organisation name is kept private.",
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "organization", "list": ORGANISATION_OPTIONS, "spellcheck": "false"}
        ),
    )
    show_name = forms.ChoiceField(
        label="How should we show you on the wall?",
        choices=[
            (Pledge.ShowName.ROLE_AND_AREA, "Role and area only, for example “a care worker in the South West”"),
            (Pledge.ShowName.NAME, "First name, role and area, for example “Sam, a nurse in London”"),
        ],
        initial=Pledge.ShowName.ROLE_AND_AREA,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to show you"},
    )
    name = forms.CharField(
        label="Your name",
        help_text="Only your first name is ever shown, and only if you choose that above.",
        max_length=80,
        error_messages={"required": "Enter your name"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will send you a link to confirm your pledge. It is never shown.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    consent = forms.BooleanField(
        label="I have read the privacy notice and agree to my pledge being shown publicly",
        error_messages={"required": "Confirm you have read the privacy notice"},
    )
    news_opt_in = forms.BooleanField(
        label="Email me when the campaign reaches a milestone (optional)",
        help_text="A few emails at most. You can stop them at any time.",
        required=False,
    )
    website = forms.CharField(
        label="Leave this blank",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, campaign: Campaign | None = None, user=None, join: bool = False, **kwargs):
        self.signed_in = bool(user and user.is_authenticated)
        super().__init__(*args, variant=(join, self.signed_in), **kwargs)
        self.campaign = campaign

    @classmethod
    def prepare_fields(cls, fields: dict, join: bool, signed_in: bool) -> None:
        fields["consent"].help_text = format_html('Read the <a href="{}">privacy notice</a>.', reverse("privacy"))
        if join:
            del fields["text"]
            del fields["theme"]
            fields["kind"].label = "Who are you making this pledge for?"
        if signed_in:
            del fields["email"]
            del fields["consent"]
            fields["name"].required = False
            fields["name"].help_text = "Needed only if you choose to show your first name."

    def clean(self):
        cleaned = super().clean()
        self._link_organisation(cleaned)
        if self.signed_in and cleaned.get("show_name") == Pledge.ShowName.NAME and not cleaned.get("name"):
            self.add_error("name", "Enter your name, or choose to be shown by role and area only")
        if self.campaign is not None:
            window = self.campaign.window()
            if window == "before":
                raise forms.ValidationError(
                    f"Pledging for {self.campaign.name} opens on "
                    f"{date_format(localtime(self.campaign.opens_at), 'j F Y')}. Your answers are kept here until then."
                )
            if window == "closed":
                raise forms.ValidationError(f"Pledging for {self.campaign.name} has closed.")
        return cleaned

    def _link_organisation(self, cleaned: dict) -> None:
        """Exactly one directory entry named: link it (in its own spelling). Otherwise keep
        the words as typed; `organisation_several` lets the check page say why."""
        self.organisation_several = False
        typed = cleaned.get("organisation_name") or ""
        matches = organisation_matches(typed) if typed else []
        cleaned["organisation"] = matches[0] if len(matches) == 1 else None
        if cleaned["organisation"] is not None:
            cleaned["organisation_name"] = cleaned["organisation"].name
        self.organisation_several = len(matches) > 1

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def draft(self) -> dict:
        """What the person typed, as strings, for the session (nothing typed is lost)."""
        return {name: self.data.get(name, "") for name in self.fields if name not in {HONEYPOT}}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this pledge?",
        choices=PledgeReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with this pledge"},
    )
    detail = forms.CharField(
        label="Anything else we should know? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep it to 500 characters or fewer"},
    )
    website = forms.CharField(
        label="Leave this blank",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class DoneForm(forms.Form):
    story = forms.CharField(
        label="What changed? (optional)",
        help_text="A few lines about what you did and what difference it made. It is shown with your pledge "
        "straight away, so do not include anything about a patient: a story with an NHS number, phone number, "
        "email address or postcode is not accepted. 1,000 characters or fewer.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Your story must be 1,000 characters or fewer"},
    )

    def clean_story(self):
        return refuse_personal_data(self.cleaned_data["story"], what="Your story")


class WallFilterForm(FilterForm):
    """Filters for the wall. Theme and campaign choices come from lists the view already
    loaded, so building the form costs no queries. Unknown values are ignored, not errors."""

    q = forms.CharField(label="Search pledges", required=False, max_length=200)
    theme = forms.ChoiceField(label="Theme", required=False)
    role = forms.ChoiceField(label="Role", choices=_with_empty(JobRole.choices, "All roles"), required=False)
    sector = forms.ChoiceField(label="Sector", choices=_with_empty(Sector.choices, "All sectors"), required=False)
    region = forms.ChoiceField(label="Region", choices=_with_empty(Region.choices, "All regions"), required=False)
    kind = forms.ChoiceField(label="Pledge for", choices=_with_empty(Pledge.Kind.choices, "Anyone"), required=False)
    campaign = forms.ChoiceField(label="Campaign", required=False)

    def __init__(self, *args, themes=(), campaigns=(), **kwargs):
        choices = {
            "theme": [("", "All themes"), *[(t.slug, t.name) for t in themes]],
            "campaign": [("", "Current campaign"), *[(c.slug, c.name) for c in campaigns]],
        }
        super().__init__(*args, choices=choices, **kwargs)


class PledgeLinksForm(forms.Form):
    """ "Email me links to my pledges": the address the pledges were made with."""

    email = forms.EmailField(
        label="Email address",
        help_text="The address you made your pledges with.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    website = forms.CharField(
        label="Leave this blank",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
