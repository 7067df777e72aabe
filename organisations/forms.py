import re
from datetime import date

from django import forms
from django.utils import timezone

from accounts.choices import JobRole, Region
from moderation.privacy import refuse_personal_data

from .models import CQC_ID_PATTERN, ODS_CODE_PATTERN, AccessRequest, Membership, Organisation
from .services import ChosenTask


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d")


class OrganisationForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)
    type = forms.ChoiceField(label="Type of organisation", choices=Organisation.Type.choices, widget=forms.RadioSelect)
    cqc_provider_id = forms.CharField(
        label="CQC provider ID",
        required=False,
        max_length=20,
        help_text="Needed for care homes, home care agencies and supported living. It starts 1- followed by 9 to 11 "
        "digits, for example 1-101234567.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "spellcheck": "false"}),
    )
    ods_code = forms.CharField(
        label="ODS code (optional)",
        required=False,
        max_length=10,
        help_text="NHS organisations and GP practices have one: 3 to 6 letters and numbers, for example RJ1 or 8A718.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "spellcheck": "false"}),
    )
    town = forms.CharField(
        label="Town or city",
        max_length=100,
        help_text="The town or city only, without the street or postcode: it is shown in our public directory.",
    )
    region = forms.ChoiceField(label="Region", choices=[("", "Choose a region"), *Region.choices])
    size = forms.ChoiceField(label="Number of staff", choices=Organisation.Size.choices, widget=forms.RadioSelect)
    website = forms.URLField(label="Website (optional)", required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate: Organisation | None = None
        self.fields["name"].error_messages["required"] = "Enter the organisation's name"
        self.fields["type"].error_messages["required"] = "Choose the type of organisation"
        self.fields["town"].error_messages["required"] = "Enter the town or city"
        self.fields["region"].error_messages["required"] = "Choose a region"
        self.fields["size"].error_messages["required"] = "Choose the number of staff"
        self.fields["website"].error_messages["invalid"] = "Enter a website address like https://www.example.org"

    def clean_cqc_provider_id(self) -> str:
        value = re.sub(r"\s+", "", self.cleaned_data["cqc_provider_id"])
        if value and not re.fullmatch(CQC_ID_PATTERN, value):
            raise forms.ValidationError(
                "Enter a CQC provider ID in the right format: 1- followed by 9 to 11 digits, like 1-101234567"
            )
        if value:
            self.duplicate = Organisation.objects.filter(cqc_provider_id=value).first()
            if self.duplicate:
                raise forms.ValidationError(
                    "An organisation with this CQC provider ID is already registered. You can ask to be added to it."
                )
        return value

    # The name and town are shown in the public directory once the organisation is verified:
    # personal data is refused here, with the reason, rather than found by the verifier.
    def clean_name(self) -> str:
        return refuse_personal_data(self.cleaned_data["name"], what="The organisation name")

    def clean_town(self) -> str:
        return refuse_personal_data(self.cleaned_data["town"], what="The town or city")

    def clean_ods_code(self) -> str:
        value = self.cleaned_data["ods_code"].strip().upper()
        if value and not re.fullmatch(ODS_CODE_PATTERN, value):
            raise forms.ValidationError("Enter an ODS code of 3 to 6 letters and numbers, like RJ1 or 8A718")
        return value

    def clean(self):
        data = super().clean()
        if (
            data.get("type") in Organisation.CQC_REGISTERED
            and not data.get("cqc_provider_id")
            and "cqc_provider_id" not in self.errors
        ):
            self.add_error(
                "cqc_provider_id",
                f"Enter the CQC provider ID: every {Organisation.Type(data['type']).label.lower()} is registered "
                "with the CQC",
            )
        return data


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["job_title", "message"]
        labels = {"job_title": "Your job title", "message": "Message to the representative (optional)"}
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"message": "1,000 characters or fewer."}
        error_messages = {
            "job_title": {
                "required": "Enter your job title",
                "max_length": "Your job title must be 100 characters or fewer",
            },
            "message": {"max_length": "Your message must be 1,000 characters or fewer"},
        }


class StatementsForm(forms.Form):
    """Seven statements, each agreed, each with tasks to tick (and, for employers, a target date each).

    Fields are named agree_<number>, task_<task pk> and date_<task pk>, so a message about
    a statement sits on that statement's first task and the error summary links to it.
    """

    def __init__(
        self, *args, statements, need_dates: bool, one_per_statement: bool, today: date | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.statements = statements
        self.need_dates = need_dates
        self.one_per_statement = one_per_statement
        self.today = today or timezone.localdate()
        for statement in statements:
            self.fields[f"agree_{statement.number}"] = forms.BooleanField(
                label=f"I agree to statement {statement.number}"
                if not need_dates
                else f"We agree to statement {statement.number}",
                error_messages={"required": f"Agree to statement {statement.number}, {statement.title}, to sign"},
            )
            for task in statement.tasks.all():
                self.fields[f"task_{task.pk}"] = forms.BooleanField(label=task.text, required=False)
                if need_dates:
                    self.fields[f"date_{task.pk}"] = forms.DateField(
                        label="Target date",
                        required=False,
                        widget=DateInput(),
                        error_messages={"invalid": "Enter a real target date"},
                    )

    def groups(self):
        """(statement, agree field, [(task field, date field or None)]) for the template."""
        for statement in self.statements:
            rows = [
                (self[f"task_{t.pk}"], self[f"date_{t.pk}"] if self.need_dates else None) for t in statement.tasks.all()
            ]
            yield statement, self[f"agree_{statement.number}"], rows

    def clean(self):
        data = super().clean()
        chosen: list[ChosenTask] = []
        for statement in self.statements:
            tasks = list(statement.tasks.all())
            picked = [t for t in tasks if data.get(f"task_{t.pk}")]
            if self.one_per_statement and not picked and tasks:
                self.add_error(
                    f"task_{tasks[0].pk}",
                    f"Choose at least one task under statement {statement.number}, {statement.title}",
                )
            for task in picked:
                target = None
                if self.need_dates:
                    name = f"date_{task.pk}"
                    target = data.get(name)
                    if name in self.errors:
                        continue
                    if target is None:
                        self.add_error(name, f"Enter a target date for this task under statement {statement.number}")
                    elif target < self.today:
                        self.add_error(
                            name, f"The target date under statement {statement.number} must be today or in the future"
                        )
                chosen.append(ChosenTask(task_id=task.pk, target_date=target))
        if not self.one_per_statement and not chosen and not self.errors and getattr(self, "require_one", True):
            first = self.statements[0].tasks.all()[0]
            self.add_error(f"task_{first.pk}", "Choose at least one task to put your commitment into practice")
        data["chosen"] = chosen
        return data


class SignForm(forms.Form):
    signatory_name = forms.CharField(
        label="Full name", max_length=100, error_messages={"required": "Enter the name of the person signing"}
    )
    signatory_job_title = forms.CharField(
        label="Job title", max_length=100, error_messages={"required": "Enter the job title of the person signing"}
    )
    confirm = forms.BooleanField(
        label="I confirm I have authority to sign this commitment on the organisation's behalf",
        error_messages={"required": "Confirm that you have authority to sign"},
    )


class ChampionForm(forms.Form):
    name = forms.CharField(
        label="Their name",
        max_length=100,
        error_messages={"required": "Enter the name of the person"},
        help_text="Only their name and role are kept. Do not enter contact details.",
    )
    job_role = forms.ChoiceField(
        label="Their role",
        choices=[("", "Choose a role"), *JobRole.choices],
        error_messages={"required": "Choose their role"},
    )


class TaskDoneForm(forms.Form):
    evidence = forms.CharField(
        label="What was done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A short note you could show an inspector, for example what changed and where the record is "
        "kept. 2,000 characters or fewer.",
        error_messages={
            "required": "Describe what was done, as evidence",
            "max_length": "What was done must be 2,000 characters or fewer",
        },
    )


class DirectoryForm(forms.Form):
    q = forms.CharField(label="Name, town or CQC provider ID", required=False, max_length=100)
    region = forms.ChoiceField(label="Region", required=False, choices=[("", "All regions"), *Region.choices])
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *Organisation.Type.choices])


class MemberForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        help_text="They need a Care Pledge account with this address.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        initial=Membership.Role.CHAMPION,
        help_text="Representatives manage the commitment. Champions record commitments for colleagues without email.",
        error_messages={"required": "Choose a role"},
    )
