"""Care Makers: who may apply, intakes, applications and decisions, Care Makers, stories.

Rules that must always hold live in the database (one open application per person, one
Care Maker number each, valid statuses); state changes go through `services`.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.choices import JobRole, Region, Sector, region_phrase, role_phrase
from pages.constraints import length_at_most


class SixC(models.TextChoices):
    CARE = "care", "Care"
    COMPASSION = "compassion", "Compassion"
    COMPETENCE = "competence", "Competence"
    COMMUNICATION = "communication", "Communication"
    COURAGE = "courage", "Courage"
    COMMITMENT = "commitment", "Commitment"


# One line each, in our own words, shown wherever people choose or read about a C.
SIX_C_MEANINGS = {
    SixC.CARE: "Getting care right for each person, every time, at every stage of life.",
    SixC.COMPASSION: "Caring through relationships that rest on empathy, respect and dignity.",
    SixC.COMPETENCE: "Knowing what a person needs and having the skill to give care that works.",
    SixC.COMMUNICATION: "Listening as well as talking, in teams and with people: nothing about me without me.",
    SixC.COURAGE: "Doing the right thing, speaking up when something is wrong and trying new ways.",
    SixC.COMMITMENT: "Sticking with people and communities, and always working to make care better.",
}


def six_cs() -> list[dict]:
    return [{"value": c.value, "label": c.label, "meaning": SIX_C_MEANINGS[c]} for c in SixC]


class Eligibility(models.Model):
    """Which job roles and sectors may apply now: data an admin changes, not code."""

    class Kind(models.TextChoices):
        ROLE = "role", "Job role"
        SECTOR = "sector", "Sector"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=40)
    is_open = models.BooleanField(default=False)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "eligible role or sector"
        verbose_name_plural = "eligible roles and sectors"
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="ambassadors_eligibility_unique"),
            models.CheckConstraint(condition=Q(kind__in=["role", "sector"]), name="ambassadors_eligibility_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label} ({'open' if self.is_open else 'not open'})"

    @property
    def label(self) -> str:
        choices = JobRole if self.kind == self.Kind.ROLE else Sector
        try:
            return choices(self.value).label
        except ValueError:
            return self.value


class EligibilityWaitlist(models.Model):
    """Someone whose role or sector is not open yet, asking to be told when it opens."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_maker_waits")
    role = models.CharField(max_length=40, choices=JobRole.choices)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "waiting for eligibility"
        verbose_name_plural = "waiting for eligibility"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "sector"],
                condition=Q(notified_at__isnull=True),
                name="ambassadors_one_wait_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} waiting for {self.get_role_display()} in {self.get_sector_display()}"


class Intake(models.Model):
    """A cohort: applications are made to the intake open at the time."""

    name = models.CharField(max_length=120, unique=True)
    opens_on = models.DateField()
    closes_on = models.DateField()
    places = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty for no fixed number.")
    is_pilot = models.BooleanField(default=False)
    recorded_applications = models.PositiveIntegerField(
        null=True, blank=True, help_text="For intakes run before this site: how many applied."
    )
    recorded_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="For intakes run before this site: how many became Care Makers."
    )

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="ambassadors_intake_dates")
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class RegionalLead(models.Model):
    """A person who reviews and decides applications from one region."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_maker_regions")
    region = models.CharField(max_length=40, choices=Region.choices)

    class Meta:
        ordering = ["region"]
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="ambassadors_lead_unique")]

    def __str__(self) -> str:
        return f"{self.user} leads {self.get_region_display()}"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = {Status.SUBMITTED}
    DECIDED = {Status.APPROVED, Status.DECLINED}
    CLOSED = {Status.APPROVED, Status.DECLINED, Status.WITHDRAWN}
    # 150 words at most (services.MAX_WORDS); the cap stops a few enormous "words".
    STATEMENT_MAX = 5000

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_maker_applications")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="applications")
    role = models.CharField(max_length=40, choices=JobRole.choices)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    organisation = models.CharField(max_length=200)
    # Set when the organisation named is in the public directory; kept by the Care Maker.
    listed_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisation in the directory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_maker_applications",
    )
    region = models.CharField(max_length=40, choices=Region.choices)
    years_in_role = models.PositiveSmallIntegerField("years in role or year of study")
    statement = models.TextField(max_length=STATEMENT_MAX)
    chosen_c = models.CharField("the C you most want to champion", max_length=20, choices=SixC.choices)
    agreed = models.BooleanField(default=False)
    manager_name = models.CharField("line manager's name", max_length=120, blank=True)
    manager_email = models.EmailField("line manager's email address", blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorsement_reminded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # A moderation.Reason that applies to applications; each decision is also in the audit log
    # (moderation.Decision, item_type "application").
    decline_reason = models.ForeignKey(
        "moderation.Reason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True, max_length=1000)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["status", "region", "submitted_at"], name="ambassadors_app_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="submitted"), name="ambassadors_one_open_application"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "approved", "declined", "withdrawn"]),
                name="ambassadors_application_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "declined"]) | Q(decided_at__isnull=False),
                name="ambassadors_decided_has_time",
            ),
            models.CheckConstraint(condition=Q(agreed=True), name="ambassadors_application_agreed"),
            length_at_most("statement", 5000, name="ambassadors_application_statement_length"),
            length_at_most("decision_note", 1000, name="ambassadors_application_decision_note_length"),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} from {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def who(self) -> str:
        return " ".join(p for p in (role_phrase(self.role), region_phrase(self.region)) if p)


class CareMaker(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_maker")
    number = models.PositiveIntegerField(unique=True)
    joined_on = models.DateField()
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="care_makers")
    application = models.OneToOneField(Application, null=True, blank=True, on_delete=models.SET_NULL)
    # Copied from the application so the counts by role, region and sector stay exact.
    role = models.CharField(max_length=40, choices=JobRole.choices)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    region = models.CharField(max_length=40, choices=Region.choices)
    organisation = models.CharField(max_length=200, blank=True)
    # Counted in organisations:<pk>:care-makers while active.
    listed_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisation in the directory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_makers",
    )
    active = models.BooleanField(default=True)
    last_recommitted_at = models.DateTimeField()
    recommit_requested_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    public_profile = models.BooleanField("show my profile in the directory", default=False)
    show_activities = models.BooleanField("list my activities on my public profile", default=False)
    display_name = models.CharField("name to show", max_length=80, blank=True)
    bio = models.TextField("about you", max_length=600, blank=True)
    chosen_c = models.CharField("the C you champion", max_length=20, choices=SixC.choices)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["active", "public_profile", "region"], name="ambassadors_cm_directory_idx")]
        constraints = [length_at_most("bio", 600, name="ambassadors_caremaker_bio_length")]

    def __str__(self) -> str:
        return f"Care Maker {self.number}"

    @property
    def name(self) -> str:
        return self.display_name or self.user.display_name or f"Care Maker {self.number}"

    @property
    def who(self) -> str:
        return " ".join(p for p in (role_phrase(self.role), region_phrase(self.region)) if p)

    def chosen_c_meaning(self) -> str:
        return SIX_C_MEANINGS.get(self.chosen_c, "")


class Story(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    PUBLIC = {Status.PUBLISHED}
    MAX_LENGTH = 1500

    care_maker = models.ForeignKey(CareMaker, on_delete=models.CASCADE, related_name="stories")
    c = models.CharField("which C", max_length=20, choices=SixC.choices)
    title = models.CharField(max_length=120)
    text = models.TextField(max_length=MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    held = models.BooleanField(default=False, help_text="It may contain personal data: check before publishing.")
    held_reasons = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-submitted_at"]
        indexes = [models.Index(fields=["status", "c", "published_at"], name="ambassadors_story_wall_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "published", "rejected"]), name="ambassadors_story_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="ambassadors_published_story_has_time",
            ),
            length_at_most("text", 1500, name="ambassadors_story_text_length"),
        ]

    def __str__(self) -> str:
        return self.title


ACTIVITY_MAX_DESCRIPTION = 280
# Care Makers began with the 2012 pilot; nothing logged can be older.
ACTIVITY_EARLIEST = date(2012, 9, 1)


class Activity(models.Model):
    """Something a Care Maker did as an ambassador. Public only as totals, and by name only on
    a profile whose owner chose to list their activities."""

    class Kind(models.TextChoices):
        TALK = "talk", "A talk"
        STALL = "stall", "An event stall"
        MENTORING = "mentoring", "Mentoring"
        WORK = "work", "A piece of work in my organisation"
        OTHER = "other", "Something else"

    class Reach(models.TextChoices):
        UP_TO_10 = "1-10", "1 to 10 people"
        UP_TO_50 = "11-50", "11 to 50 people"
        UP_TO_200 = "51-200", "51 to 200 people"
        OVER_200 = "201+", "More than 200 people"

    # What the public total of people reached adds for each band: its lower bound, so the
    # figure is "at least" and never claims more than anyone logged.
    REACH_AT_LEAST = {Reach.UP_TO_10: 1, Reach.UP_TO_50: 11, Reach.UP_TO_200: 51, Reach.OVER_200: 201}
    MAX_DESCRIPTION = ACTIVITY_MAX_DESCRIPTION
    EARLIEST = ACTIVITY_EARLIEST

    care_maker = models.ForeignKey(CareMaker, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("what you did", max_length=12, choices=Kind.choices)
    done_on = models.DateField("when you did it")
    # One flag per C rather than a list, so the rules and the counts are plain SQL on any database
    # (make run uses SQLite).
    shows_care = models.BooleanField("care", default=False)
    shows_compassion = models.BooleanField("compassion", default=False)
    shows_competence = models.BooleanField("competence", default=False)
    shows_communication = models.BooleanField("communication", default=False)
    shows_courage = models.BooleanField("courage", default=False)
    shows_commitment = models.BooleanField("commitment", default=False)
    reach = models.CharField("roughly how many people it reached", max_length=8, choices=Reach.choices)
    description = models.TextField("a few words about it", max_length=ACTIVITY_MAX_DESCRIPTION, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["care_maker", "done_on"], name="ambassadors_activity_cm_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["talk", "stall", "mentoring", "work", "other"]),
                name="ambassadors_activity_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(reach__in=["1-10", "11-50", "51-200", "201+"]), name="ambassadors_activity_reach_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(shows_care=True)
                    | Q(shows_compassion=True)
                    | Q(shows_competence=True)
                    | Q(shows_communication=True)
                    | Q(shows_courage=True)
                    | Q(shows_commitment=True)
                ),
                name="ambassadors_activity_shows_a_c",
            ),
            models.CheckConstraint(
                condition=Q(done_on__gte=ACTIVITY_EARLIEST), name="ambassadors_activity_not_too_old"
            ),
            length_at_most("description", ACTIVITY_MAX_DESCRIPTION, name="ambassadors_activity_description_length"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.done_on:%d %b %Y} by {self.care_maker}"

    @staticmethod
    def c_field(c: str) -> str:
        return f"shows_{c}"

    @property
    def cs(self) -> list[str]:
        """The Cs it showed, in the 6Cs' order."""
        return [c.value for c in SixC if getattr(self, self.c_field(c))]

    def set_cs(self, cs) -> None:
        for c in SixC:
            setattr(self, self.c_field(c), c.value in cs)

    @property
    def cs_labels(self) -> list[str]:
        return [SixC(c).label for c in self.cs]
