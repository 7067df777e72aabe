import re
from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.choices import JobRole, Region
from core.forms import DateField, FilterForm
from core.privacy import refuse_personal_data

from .models import ODS_CODE_PATTERN, AccessRequest, Membership, Organisation
from .regulators import REGULATORS, Nation, nation_for_region
from .services import OWN_TASK_MAX_LENGTH, ChosenTask


class OrganisationForm(forms.Form):
    # The region decides the nation, and so which regulator's ID is asked for next.
    field_order = ["name", "type", "town", "region", "regulator_id", "ods_code", "size", "website"]
    name = forms.CharField(label="Organisation name", max_length=200)
    type = forms.ChoiceField(label="Type of organisation", choices=Organisation.Type.choices, widget=forms.RadioSelect)
    regulator_id = forms.CharField(
        label="Registration number with your care regulator",
        required=False,
        max_length=30,
        help_text="Needed for care homes, home care agencies and supported living. We ask the regulator of "
        "the region you chose: in England the CQC provider ID (1- followed by 9 to 11 digits, like "
        "1-101234567); in Wales the Care Inspectorate Wales registration number; in Scotland the Care "
        "Inspectorate service number (CS followed by 10 digits); in Northern Ireland the RQIA service ID.",
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

    def clean_regulator_id(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data["regulator_id"]).upper()

    def clean(self):
        data = super().clean()
        # The nation, and so the regulator, follows the region: Wales, Scotland and Northern
        # Ireland are regions of their own; every other region is in England.
        nation = nation_for_region(data.get("region") or "")
        regulator = REGULATORS[nation]
        data["nation"] = nation
        value = data.get("regulator_id", "")
        data["cqc_provider_id"] = value if nation == Nation.ENGLAND else ""
        if "regulator_id" in self.errors:
            return data
        if value and not re.fullmatch(regulator.pattern, value):
            self.add_error(
                "regulator_id",
                f"Enter the {regulator.id_label} in the right format: {regulator.format_text}",
            )
        elif value:
            self.duplicate = Organisation.objects.filter(
                Q(cqc_provider_id=value) if nation == Nation.ENGLAND else Q(nation=nation, regulator_id=value)
            ).first()
            if self.duplicate:
                self.add_error(
                    "regulator_id",
                    f"An organisation with this {regulator.id_label} is already registered. You can ask to be "
                    "added to it.",
                )
        elif data.get("type") in Organisation.CQC_REGISTERED and "region" not in self.errors:
            self.add_error(
                "regulator_id",
                f"Enter the {regulator.id_label}: every {Organisation.Type(data['type']).label.lower()} in "
                f"{Nation(nation).label} is registered with the {regulator.name}",
            )
        if nation != Nation.ENGLAND:
            data["regulator_id"] = value
        else:
            data["regulator_id"] = ""
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
        # Employers sign for the organisation ("we"), choose at least one task per statement and
        # may write their own; staff speak for themselves and date their tasks too.
        super().__init__(*args, **kwargs)
        self.statements = statements
        self.need_dates = need_dates
        self.one_per_statement = one_per_statement
        self.own_tasks = need_dates and one_per_statement
        self.today = today or timezone.localdate()
        for statement in statements:
            self.fields[f"agree_{statement.number}"] = forms.BooleanField(
                label=f"I agree to statement {statement.number}"
                if not one_per_statement
                else f"We agree to statement {statement.number}",
                error_messages={"required": f"Agree to statement {statement.number}, {statement.title}, to sign"},
            )
            for task in statement.tasks.all():
                self.fields[f"task_{task.pk}"] = forms.BooleanField(label=task.text, required=False)
                if need_dates:
                    self.fields[f"date_{task.pk}"] = DateField(
                        label="Target date", required=False, future=True, today=self.today
                    )
            if self.own_tasks:
                # A task of the organisation's own, besides the listed ones.
                self.fields[f"own_{statement.number}"] = forms.CharField(
                    label=f"Add a task of your own for statement {statement.number} (optional)",
                    required=False,
                    max_length=OWN_TASK_MAX_LENGTH,
                    help_text=f"Up to {OWN_TASK_MAX_LENGTH} characters. It is printed on your certificate, so "
                    "do not include anyone's name or contact details.",
                    error_messages={"max_length": f"Your own task must be {OWN_TASK_MAX_LENGTH} characters or fewer"},
                )
                self.fields[f"own_date_{statement.number}"] = DateField(
                    label="Target date", required=False, future=True, today=self.today
                )

    def groups(self):
        """(statement, agree field, [(task field, date field or None)]) for the template."""
        for statement in self.statements:
            rows = [
                (self[f"task_{t.pk}"], self[f"date_{t.pk}"] if self.need_dates else None) for t in statement.tasks.all()
            ]
            own = (self[f"own_{statement.number}"], self[f"own_date_{statement.number}"]) if self.own_tasks else None
            yield statement, self[f"agree_{statement.number}"], rows, own

    def _own_typed(self, statement) -> bool:
        return bool(self.data.get(f"own_{statement.number}", "").strip())

    def _clean_own(self, statement) -> ChosenTask | None:
        """The statement's own task, if one was written and both it and its date are valid."""
        text_name, date_name = f"own_{statement.number}", f"own_date_{statement.number}"
        text = (self.cleaned_data.get(text_name) or "").strip()
        target = self.cleaned_data.get(date_name)
        if text_name in self.errors or date_name in self.errors:
            return None
        if not text:
            if target is not None:
                self.add_error(text_name, "Enter your own task, or clear its target date")
            return None
        try:
            refuse_personal_data(text, what="Your own task")
        except forms.ValidationError as exc:
            self.add_error(text_name, exc)
            return None
        if target is None:
            self.add_error(date_name, f"Enter a target date for your own task under statement {statement.number}")
            return None
        return ChosenTask(task_id=None, target_date=target, own_text=text, statement_number=statement.number)

    def clean(self):
        data = super().clean()
        chosen: list[ChosenTask] = []
        for statement in self.statements:
            tasks = list(statement.tasks.all())
            picked = [t for t in tasks if data.get(f"task_{t.pk}")]
            own = self._clean_own(statement) if self.own_tasks else None
            if own:
                chosen.append(own)
            if self.one_per_statement and not picked and not own and tasks and not self._own_typed(statement):
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
    publish = forms.BooleanField(
        label="Publish this note on our public page",
        help_text="Only if you publish it can anyone outside your organisation read it. It must not name anyone "
        "or include contact details. You can take it down at any time.",
        required=False,
    )


class EvidenceForm(forms.Form):
    """The evidence of a done task, as it will be shown on the organisation's public page."""

    evidence = forms.CharField(
        label="Evidence to publish",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Change it if it says anything that is not for the public. Do not name anyone or include "
        "contact details such as phone numbers, email addresses or postcodes. 2,000 characters or fewer.",
        error_messages={
            "required": "Enter the evidence to publish",
            "max_length": "The evidence must be 2,000 characters or fewer",
        },
    )


class DirectoryForm(FilterForm):
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


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="8 letters and numbers, on the poster or in the email from your employer. For example, K7QM4TXC.",
        error_messages={"required": "Enter the code from your employer"},
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input--width-10",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )


# Enough for a team in one go; a larger home pastes in batches.
STAFF_INVITE_MAX = 50


class StaffInviteForm(forms.Form):
    emails = forms.CharField(
        label="Email addresses",
        max_length=STAFF_INVITE_MAX * 80,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text=f"One address per line, or separated by commas. Up to {STAFF_INVITE_MAX} at a time. Each person "
        "gets one email with the link and the code; we do not keep their address for anything else.",
        error_messages={
            "required": "Enter at least one email address",
            "max_length": f"Enter up to {STAFF_INVITE_MAX} email addresses at a time",
        },
    )

    def clean_emails(self) -> list[str]:
        from django.core.validators import validate_email

        # One per line or separated by commas: "bad address" stays one entry, reported as typed.
        typed = [part.strip(" \t<>\"'") for part in re.split(r"[\n\r,;]+", self.cleaned_data["emails"])]
        typed = [part for part in typed if part]
        if not typed:
            raise forms.ValidationError("Enter at least one email address")
        invalid = []
        for address in typed:
            try:
                validate_email(address)
            except forms.ValidationError:
                invalid.append(address)
        if invalid:
            raise forms.ValidationError(
                "Enter each email address in the correct format, like name@example.org. Check: "
                + ", ".join(invalid[:5])
                + (f" and {len(invalid) - 5} more" if len(invalid) > 5 else "")
            )
        unique = list(dict.fromkeys(address.lower() for address in typed))
        if len(unique) > STAFF_INVITE_MAX:
            raise forms.ValidationError(f"Enter up to {STAFF_INVITE_MAX} email addresses at a time")
        return unique
