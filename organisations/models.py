"""The Social Care Commitment: organisations, their commitments and their staff's.

Wording and versions: statements and tasks live in versioned sets (StatementSet). A
commitment points at the set it signed AND keeps a copy of the wording (statement
snapshot on the commitment, task text on each chosen task). Admins may then correct a
typo in the live set without rewriting what anyone signed; a real change of wording is
published as a new set, which new commitments use from then on.
"""

import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.choices import JobRole, Region
from core.constraints import length_at_most
from core.urls import reverse

from .regulators import REGULATORS, Nation

CQC_ID_PATTERN = r"^1-[0-9]{9,11}$"
ODS_CODE_PATTERN = r"^[A-Z0-9]{3,6}$"
# A commitment still shows while renewal is this late; after that it is lapsed.
LAPSE_GRACE = timedelta(days=30)
RENEWAL_WARNING = timedelta(days=30)


# Staff type this code (or read it off a poster) to join: no 0/O, 1/I/L or vowels (no words).
JOIN_CODE_ALPHABET = "BCDFGHJKMNPQRSTVWXZ23456789"
JOIN_CODE_LENGTH = 8
JOIN_CODE_PATTERN = rf"^[{JOIN_CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}$"


def join_code_new() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code_normalise(typed: str) -> str:
    """What someone typed, as the code is stored: capitals, no spaces or hyphens."""
    return re.sub(r"[\s-]+", "", typed or "").upper()


def add_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class OrganisationQuerySet(models.QuerySet):
    """The rules about which organisations are where, each written once."""

    def listed(self):
        """Verified: in the public directory, and linkable from pledges and Care Maker profiles."""
        return self.filter(verified_at__isnull=False)

    def awaiting_verification(self):
        """Neither verified nor refused: waiting in the moderation queue."""
        return self.filter(verified_at__isnull=True, verification_refused_at__isnull=True)

    def open_to_staff(self):
        """Listed and committed: their staff may join and make their own commitment
        (Organisation.is_open_to_staff says the same of one loaded organisation)."""
        return self.listed().filter(commitment__isnull=False)


class Organisation(models.Model):
    class Type(models.TextChoices):
        NHS_TRUST = "nhs-trust", "NHS trust"
        GP_PRACTICE = "gp-practice", "GP practice"
        CARE_HOME_NURSING = "care-home-nursing", "Care home with nursing"
        CARE_HOME = "care-home", "Care home without nursing"
        HOME_CARE = "home-care", "Home care agency"
        SUPPORTED_LIVING = "supported-living", "Supported living"
        DAY_SERVICE = "day-service", "Day service"
        OTHER = "other", "Other"

    # Adult social care services that must be registered with the CQC, so must give
    # their provider ID. NHS bodies are known by ODS code; day services and others
    # may not carry out a regulated activity.
    CQC_REGISTERED = {Type.CARE_HOME_NURSING, Type.CARE_HOME, Type.HOME_CARE, Type.SUPPORTED_LIVING}

    class Size(models.TextChoices):
        MICRO = "1-9", "1 to 9 staff"
        SMALL = "10-49", "10 to 49 staff"
        MEDIUM = "50-249", "50 to 249 staff"
        LARGE = "250+", "250 staff or more"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    type = models.CharField(max_length=30, choices=Type.choices)
    # England's regulator is the CQC (its ID in cqc_provider_id); elsewhere regulator_id holds the
    # ID given by that nation's regulator (organisations.regulators). Set from the region.
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    cqc_provider_id = models.CharField("CQC provider ID", max_length=14, blank=True)
    regulator_id = models.CharField("registration number", max_length=20, blank=True)
    ods_code = models.CharField("ODS code", max_length=6, blank=True)
    town = models.CharField("town or city", max_length=100)
    region = models.CharField(max_length=40, choices=Region.choices)
    size = models.CharField("size", max_length=10, choices=Size.choices)
    website = models.URLField(blank=True)
    # Bumped to make every earlier invitation link and QR code stop working.
    invite_version = models.PositiveIntegerField(default=1)
    # Short code staff type to join; replaced together with the invitation link.
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=join_code_new)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The verifier could not verify it (with the reason the representative was told); it then
    # leaves the queue. Verifying later clears nothing: verified_at is what makes it public.
    verification_refused_at = models.DateTimeField(null=True, blank=True)
    verification_refused_reason = models.CharField(max_length=120, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="organisations")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cqc_provider_id"], condition=~Q(cqc_provider_id=""), name="organisations_cqc_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(cqc_provider_id="") | Q(cqc_provider_id__regex=CQC_ID_PATTERN),
                name="organisations_cqc_id_format",
            ),
            models.CheckConstraint(
                condition=~Q(type__in=["care-home-nursing", "care-home", "home-care", "supported-living"])
                | (Q(nation="england") & ~Q(cqc_provider_id=""))
                | (~Q(nation="england") & ~Q(regulator_id="")),
                name="organisations_regulator_id_required_for_registered_types",
            ),
            models.CheckConstraint(
                condition=Q(nation="england") | Q(cqc_provider_id=""), name="organisations_cqc_id_in_england_only"
            ),
            models.CheckConstraint(
                condition=~Q(nation="england") | Q(regulator_id=""),
                name="organisations_regulator_id_outside_england_only",
            ),
            models.CheckConstraint(
                condition=Q(nation__in=["england", "wales", "scotland", "northern-ireland"]),
                name="organisations_nation_valid",
            ),
            models.UniqueConstraint(
                fields=["nation", "regulator_id"],
                condition=~Q(regulator_id=""),
                name="organisations_regulator_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(ods_code="") | Q(ods_code__regex=ODS_CODE_PATTERN), name="organisations_ods_code_format"
            ),
            models.CheckConstraint(
                condition=Q(join_code__regex=JOIN_CODE_PATTERN), name="organisations_join_code_format"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "type"], name="organisations_region_type"),
            # The directory's page: listed organisations by name, 20 at a time, each with its
            # commitment. Without it PostgreSQL joined every commitment and sorted them all
            # (24 ms at 3,000 organisations; 1.4 ms walking this index).
            models.Index(fields=["name"], condition=Q(verified_at__isnull=False), name="organisations_listed_by_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.slug])

    @property
    def is_verified(self) -> bool:
        """Listed (see OrganisationQuerySet.listed)."""
        return self.verified_at is not None

    @property
    def is_open_to_staff(self) -> bool:
        """OrganisationQuerySet.open_to_staff for one organisation: employers commit first,
        then their staff. Reads the commitment from select_related when it was fetched."""
        return self.is_verified and hasattr(self, "commitment")

    @property
    def regulator(self):
        return REGULATORS[self.nation]

    @property
    def registration_id(self) -> str:
        """The ID with this organisation's regulator, whichever nation it is in."""
        return self.cqc_provider_id if self.nation == Nation.ENGLAND else self.regulator_id

    def register_search_url(self) -> str:
        return self.regulator.register_search(regulator_id=self.registration_id, name=self.name)


class MembershipQuerySet(models.QuerySet):
    def representing(self, organisation_id: int):
        """Who speaks for an organisation (signs, invites, manages its people): the memberships
        with the representative role. The one rule of ownership; selectors.representatives
        gives the people."""
        return self.filter(organisation_id=organisation_id, role=Membership.Role.REPRESENTATIVE)


class Membership(models.Model):
    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", "Representative"
        CHAMPION = "champion", "Champion"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REPRESENTATIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="organisations_membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["representative", "champion"]), name="organisations_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.organisation}"


class AccessRequest(models.Model):
    """Someone whose organisation is already registered asks to be added to it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="access_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    job_title = models.CharField(max_length=100)
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(status="pending"), name="organisations_one_open_request"
            ),
            length_at_most("message", 1000, name="organisations_access_request_message_length"),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.organisation}"


class Audience(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    EMPLOYEE = "employee", "Employee"


class StatementSet(models.Model):
    version = models.PositiveIntegerField(unique=True)
    published_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-version"]
        constraints = [length_at_most("notes", 2000, name="organisations_statement_set_notes_length")]

    def __str__(self) -> str:
        return f"Statements version {self.version}"


class Statement(models.Model):
    statement_set = models.ForeignKey(StatementSet, on_delete=models.PROTECT, related_name="statements")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    text = models.TextField(max_length=1000)

    class Meta:
        ordering = ["audience", "number"]
        constraints = [
            length_at_most("text", 1000, name="organisations_statement_text_length"),
            models.UniqueConstraint(
                fields=["statement_set", "audience", "number"], name="organisations_statement_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=7), name="organisations_statement_1_to_7"),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} {self.number}: {self.title}"


class Task(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["statement", "position"]

    def __str__(self) -> str:
        return self.text


class CommitmentStatus(models.TextChoices):
    CURRENT = "current", "Current"
    RENEWAL_DUE = "renewal-due", "Renewal due"
    LAPSED = "lapsed", "Lapsed"


class EmployerCommitmentQuerySet(models.QuerySet):
    def lapsed(self, today: date):
        return self.filter(renewal_due_on__lt=today - LAPSE_GRACE)

    def not_lapsed(self, today: date):
        return self.filter(renewal_due_on__gte=today - LAPSE_GRACE)


class EmployerCommitment(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="commitment")
    statement_set = models.ForeignKey(StatementSet, on_delete=models.PROTECT, related_name="+")
    # [{"number", "title", "text"}]: the employer statements as signed.
    statements = models.JSONField(default=list)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    signatory_name = models.CharField(max_length=100)
    signatory_job_title = models.CharField(max_length=100)
    committed_on = models.DateField()
    renewal_due_on = models.DateField()
    renewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmployerCommitmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(renewal_due_on__gt=models.F("committed_on")), name="organisations_renewal_after_commit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} committed on {self.committed_on}"

    def status(self, today: date) -> str:
        """The one place status is worked out: current, renewal due, or lapsed."""
        if today > self.renewal_due_on + LAPSE_GRACE:
            return CommitmentStatus.LAPSED
        if today >= self.renewal_due_on - RENEWAL_WARNING:
            return CommitmentStatus.RENEWAL_DUE
        return CommitmentStatus.CURRENT

    def status_label(self, today: date) -> str:
        return CommitmentStatus(self.status(today)).label

    def is_lapsed(self, today: date) -> bool:
        return self.status(today) == CommitmentStatus.LAPSED


class CommitmentTask(models.Model):
    commitment = models.ForeignKey(EmployerCommitment, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, null=True, on_delete=models.SET_NULL, related_name="+")
    statement_number = models.PositiveSmallIntegerField()
    task_text = models.CharField(max_length=300)
    # Written by the organisation itself rather than chosen from the statement's list.
    own = models.BooleanField(default=False)
    target_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Private to the organisation until a representative publishes it on the public page.
    evidence = models.TextField(blank=True, max_length=2000)
    evidence_published_at = models.DateTimeField(null=True, blank=True)
    # The day the overdue rollup first counted it as overdue (past its target date, not done).
    # The overdue counters count tasks with this set and not done, so they move once per task
    # whenever the rollup runs, and marking the task done takes it out of them.
    overdue_since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["statement_number", "target_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "task"], name="organisations_commitment_task_unique"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | ~Q(evidence=""), name="organisations_done_task_has_evidence"
            ),
            length_at_most("evidence", 2000, name="organisations_task_evidence_length"),
            models.CheckConstraint(
                condition=Q(evidence_published_at__isnull=True) | Q(done_at__isnull=False),
                name="organisations_published_evidence_is_done",
            ),
        ]
        indexes = [
            # The overdue rollup's search: tasks not done and not yet counted as overdue.
            models.Index(
                fields=["target_date"],
                condition=Q(done_at__isnull=True, overdue_since__isnull=True),
                name="organisations_task_to_roll_idx",
            ),
            # The newest published evidence, for the impact page.
            models.Index(
                fields=["-evidence_published_at"],
                condition=Q(evidence_published_at__isnull=False),
                name="organisations_evidence_pub_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.task_text

    def is_overdue(self, today: date) -> bool:
        return self.done_at is None and self.target_date < today

    @property
    def evidence_is_published(self) -> bool:
        return self.evidence_published_at is not None


class EmployeeCommitment(models.Model):
    """Private to the employee. Assisted sign-ups (recorded by a champion) have no user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="employee_commitments"
    )
    name = models.CharField(max_length=100, blank=True)
    job_role = models.CharField(max_length=40, choices=JobRole.choices, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="employee_commitments")
    statement_set = models.ForeignKey(StatementSet, on_delete=models.PROTECT, related_name="+")
    statements = models.JSONField(default=list)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept apart from assisted_by, which empties if the champion's account is erased.
    assisted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], condition=Q(user__isnull=False), name="organisations_one_per_employee"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="organisations_assisted_has_name"
            ),
        ]

    def __str__(self) -> str:
        return f"Employee commitment {self.pk} at {self.organisation}"

    @property
    def is_assisted(self) -> bool:
        return self.assisted


class EmployeeCommitmentTask(models.Model):
    commitment = models.ForeignKey(EmployeeCommitment, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, null=True, on_delete=models.SET_NULL, related_name="+")
    statement_number = models.PositiveSmallIntegerField()
    task_text = models.CharField(max_length=300)
    # Staff date their own tasks; commitments recorded by a champion, and older ones, have none.
    target_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["statement_number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "task"], name="organisations_employee_task_unique"),
        ]

    def __str__(self) -> str:
        return self.task_text
