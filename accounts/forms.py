from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from moderation.privacy import refuse_personal_data

from .models import User


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with labels and hints in the Care Pledge voice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
            "display_name": "Only shown if you choose to be shown by name. Your name only: contact details "
            "are not accepted.",
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
        choices=KEEP_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "erase" and not cleaned.get("contributions"):
            self.add_error("contributions", "Select what should happen to their pledges")
        return cleaned
