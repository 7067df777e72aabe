from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

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
            "display_name": "Only shown if you choose to be shown by name.",
            "organisation_name": "For example, Royal Devon University Healthcare or Oak Lodge Care Home.",
        }
