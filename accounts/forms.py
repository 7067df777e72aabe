from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from core.privacy import refuse_personal_data

from .models import User

NAME_LABEL = "Your name"
NAME_USE = (
    "For example, Helen or Kwesi Boateng. We use it when we write to you. "
    "It is shown publicly only if you choose that for a pledge or a Care Maker profile."
)
NAME_HINT = f"What should we call you? {NAME_USE}"


def _name_field(required: bool, hint: str = NAME_HINT) -> forms.CharField:
    return forms.CharField(
        label=NAME_LABEL,
        help_text=hint,
        max_length=User._meta.get_field("display_name").max_length,
        required=required,
        strip=True,
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 80 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with labels and hints in the Care Pledge voice, and the name we call
    people by. The name may be left empty here: the first page after signing in asks again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"] = _name_field(required=False)
        self.order_fields(["display_name", "email", "password1", "password2"])
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "We will send you a link to check it is yours."
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["password1"].label = "Create a password"
        self.fields["password1"].help_text = "Use at least 10 characters. Avoid common words and your email address."
        self.fields["password1"].error_messages["required"] = "Create a password"
        self.fields["password2"].label = "Type your password again"
        self.fields["password2"].error_messages["required"] = "Type your password again"
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)

    def custom_signup(self, request, user):
        name = " ".join(self.cleaned_data.get("display_name", "").split())
        if name:
            user.display_name = name
            user.save(update_fields=["display_name"])


class NameForm(forms.ModelForm):
    """The name we call someone by, asked once of accounts that have none."""

    class Meta:
        model = User
        fields = ["display_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page's heading already asks "What should we call you?".
        self.fields["display_name"] = _name_field(required=True, hint=NAME_USE)

    def clean_display_name(self):
        return " ".join(self.cleaned_data["display_name"].split())


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "job_role", "sector", "region", "organisation_name"]
        labels = {
            "display_name": "Your name",
            "job_role": "Your role",
            "sector": "Where you work",
            "region": "Your region",
            "organisation_name": "Your organisation (optional)",
        }
        help_texts = {
            "display_name": f"{NAME_HINT} Your name only: contact details are not accepted.",
            "organisation_name": "For example, Royal Devon University Healthcare or Oak Lodge Care Home.",
        }

    # Both are copied to what the public sees (a Care Maker profile, a pledge's organisation), so
    # personal data is refused here rather than held later.
    def clean_display_name(self):
        return refuse_personal_data(self.cleaned_data["display_name"], what="Your name")

    def clean_organisation_name(self):
        return refuse_personal_data(self.cleaned_data["organisation_name"], what="Your organisation")


KEEP_CHOICES = [
    ("keep", "Keep them anonymously: they stay in the totals, with nothing that identifies you"),
    ("remove", "Remove them completely"),
]


class DeleteAccountForm(forms.Form):
    contributions = forms.ChoiceField(
        label="What should happen to your pledges and other contributions?",
        choices=KEEP_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what should happen to your pledges"},
    )
    confirm = forms.BooleanField(
        label="I understand my account will be deleted and this cannot be undone",
        error_messages={"required": "Confirm that you want to delete your account"},
    )


class DeleteByLinkForm(forms.Form):
    """Deleting what is held about an address, by a link emailed to it (no account)."""

    contributions = forms.ChoiceField(
        label="What should happen to your pledges?",
        choices=KEEP_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what should happen to your pledges"},
    )
    confirm = forms.BooleanField(
        label="I understand my details will be deleted and this cannot be undone",
        error_messages={"required": "Confirm that you want your details deleted"},
    )


class DataRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the person asking",
        error_messages={
            "required": "Enter the email address of the person asking",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    action = forms.ChoiceField(
        label="What do they want?",
        choices=[("export", "A copy of everything we hold about them"), ("erase", "Their data deleted")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the person wants"},
    )
    contributions = forms.ChoiceField(
        label="If deleting: what should happen to their pledges and other contributions?",
        # Staff act for someone else here: the choices speak of them, not "you".
        choices=[
            ("keep", "Keep them anonymously: they stay in the totals, with nothing that identifies the person"),
            ("remove", "Remove them completely"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "erase" and not cleaned.get("contributions"):
            self.add_error("contributions", "Select what should happen to their pledges")
        return cleaned
