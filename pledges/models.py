import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector, region_phrase, role_phrase
from core.constraints import length_at_most
from core.urls import reverse

# Providers that ignore dots and/or "+tags" in the part before the @: the same inbox can
# be written many ways, so duplicates are checked against one spelling.
_DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}
_PLUS_TAG_DOMAINS = _DOTLESS_DOMAINS | {
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "live.co.uk",
    "yahoo.com",
    "yahoo.co.uk",
}


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    if domain in _PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


class _PunctuationToSpace(dict):
    """For str.translate: each punctuation or symbol character (Unicode categories P and S)
    to a space, every other character to itself; each worked out once, when first met."""

    def __missing__(self, code: int):
        self[code] = " " if unicodedata.category(chr(code)).startswith(("P", "S")) else code
        return self[code]


_PUNCTUATION_TO_SPACE = _PunctuationToSpace()


def normalise_text(text: str) -> str:
    """Lowercase, punctuation removed, spaces collapsed: 'Be kind!' and 'be  kind' match."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_PUNCTUATION_TO_SPACE)
    return re.sub(r"\s+", " ", text).strip()


class Campaign(models.Model):
    """A Change Day: the day itself and the window in which pledges are taken."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    day = models.DateField(help_text="The day itself.")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    target = models.PositiveIntegerField(null=True, blank=True)
    is_current = models.BooleanField(default=False, help_text="The campaign the pledge form and totals are for.")

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="pledges_campaign_one_current"
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="pledges_campaign_window"),
        ]

    def __str__(self) -> str:
        return self.name

    def window(self, now=None) -> str:
        """'before', 'open' or 'closed'."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "before"
        if now >= self.closes_at:
            return "closed"
        return "open"

    def is_open(self, now=None) -> bool:
        return self.window(now) == "open"


# The starting list (seeded by migration 0002; admins edit it after that).
DEFAULT_THEMES = [
    ("patient-experience", "Patient experience"),
    ("keeping-people-safe", "Keeping people safe"),
    ("dementia", "Dementia"),
    ("integrating-care", "Integrating health and social care"),
    ("staff-wellbeing", "Staff wellbeing"),
    ("culture-and-attitude", "Culture and attitude"),
    ("knowledge-and-skills", "Knowledge and skills"),
    ("dignity-and-respect", "Dignity and respect"),
    ("communication", "Communication"),
    ("something-else", "Something else"),
]


class Theme(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Inactive themes are not offered on the form.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure_defaults(cls) -> None:
        """Put the starting themes back (after a flush, as transactional tests do)."""
        for position, (slug, name) in enumerate(DEFAULT_THEMES):
            cls.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class PledgeSettings(models.Model):
    """One row of switches that admins change without a deploy."""

    pre_moderation = models.BooleanField(
        default=False,
        help_text="Hold every new pledge for a moderator instead of publishing it when confirmed.",
    )

    class Meta:
        verbose_name = "pledge settings"
        verbose_name_plural = "pledge settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="pledges_settings_singleton")]

    def __str__(self) -> str:
        return "Pledge settings"

    @classmethod
    def load(cls) -> "PledgeSettings":
        return cls.objects.get_or_create(pk=1)[0]


class Pledge(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Waiting for email confirmation"
        PUBLISHED = "published", "Published"
        HELD = "held", "Held for a moderator"
        HIDDEN = "hidden", "Hidden after reports"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REJECTED = "rejected", "Rejected"

    class Kind(models.TextChoices):
        ME = "me", "Just me"
        TEAM = "team", "My team"
        ORGANISATION = "organisation", "My organisation"

    class ShowName(models.TextChoices):
        ROLE_AND_AREA = "role-and-area", "Role and area only"
        NAME = "name", "First name, role and area"

    # Shown on the wall and counted in every total.
    PUBLIC = frozenset({Status.PUBLISHED})
    COUNTED = PUBLIC
    # Gone for good from the person's point of view: they may pledge the same words again.
    ENDED = frozenset({Status.WITHDRAWN, Status.REJECTED})
    # Still in play, waiting for someone (the pledger or a moderator).
    WAITING = frozenset({Status.UNCONFIRMED, Status.HELD, Status.HIDDEN})
    # Reported since a moderator last read its reports (or never read): in the reported queue.
    REPORTS_WAITING = Q(reported_at__isnull=False) & (
        Q(reports_reviewed_at__isnull=True) | Q(reported_at__gt=F("reports_reviewed_at"))
    )

    TEXT_MIN = 10
    TEXT_MAX = 280

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    text = models.CharField(max_length=TEXT_MAX)
    text_normalised = models.CharField(max_length=TEXT_MAX, editable=False)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="pledges")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ME)
    job_role = models.CharField("role", max_length=40, choices=JobRole.choices)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    region = models.CharField(max_length=40, choices=Region.choices)
    organisation_name = models.CharField("organisation", max_length=200, blank=True)
    # Set when the person named an organisation in the public directory: the pledge then
    # counts towards that organisation's total of staff pledges.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisation in the directory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    show_name = models.CharField(max_length=20, choices=ShowName.choices, default=ShowName.ROLE_AND_AREA)
    name = models.CharField(max_length=80, blank=True)
    email = models.EmailField(max_length=254)
    email_normalised = models.CharField(max_length=254, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledges"
    )
    # The "tell me about milestones" box: recorded as a mail preference once the address is confirmed.
    news_opt_in = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    held_reason = models.CharField(max_length=200, blank=True)
    joined_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="joins")
    # Kept with each change of a join's status, so the page never counts rows to show it.
    joins_count = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_story = models.TextField(blank=True, max_length=1000)
    confirm_sends = models.PositiveSmallIntegerField(default=0)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Marked by the pledge-nudge and pledge-followup jobs (pledges/reminders.py) when they settle
    # the pledge, so their due() queries skip it; the outbox key is what makes each go once.
    nudge_sent_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)
    # Marked by the pledge-outcome job when it asks what the pledge changed (once per pledge).
    outcome_asked_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The latest report, and when a moderator last read the reports and kept the pledge: once
    # kept, reports no longer hide it (pledges.services.pledge_report says why).
    reported_at = models.DateTimeField(null=True, blank=True)
    reports_reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The wall: newest published first, per campaign, paged by id.
            models.Index(fields=["status", "campaign", "-id"], name="pledges_wall_idx"),
            models.Index(fields=["email_normalised"], name="pledges_email_idx"),
            # The two filters people use most, so a filtered page never walks the whole campaign.
            models.Index(
                fields=["campaign", "theme", "-id"], name="pledges_wall_theme_idx", condition=Q(status="published")
            ),
            models.Index(
                fields=["campaign", "region", "-id"], name="pledges_wall_region_idx", condition=Q(status="published")
            ),
            # The wall's walk, newest first, over published pledges only: search tests each
            # row's words on the way, and the primary key would make it read the unconfirmed
            # pledges at the newest end too (pledges/search.py). Chosen over the primary key
            # and pledges_wall_idx for a search and for the wall with no filter.
            models.Index(fields=["-id"], name="pledges_published_idx", condition=Q(status="published")),
            # The moderation queues (held, hidden), oldest first: a few rows among a million.
            models.Index(
                fields=["status", "created_at", "id"],
                name="pledges_moderation_idx",
                condition=Q(status__in=["held", "hidden"]),
            ),
            # Published pledges with reports, for the reported queue: few among a million.
            models.Index(
                fields=["created_at", "id"],
                name="pledges_reported_idx",
                condition=Q(status="published", reported_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["joined_from", "email_normalised"],
                condition=Q(joined_from__isnull=False) & ~Q(status__in=["withdrawn", "rejected"]),
                name="pledges_one_join_per_person",
            ),
            models.UniqueConstraint(
                fields=["campaign", "email_normalised", "text_normalised"],
                condition=~Q(status__in=["withdrawn", "rejected"]),
                name="pledges_no_duplicate_text",
            ),
            length_at_most("done_story", 1000, name="pledges_done_story_length"),
            models.CheckConstraint(
                condition=Q(status__in=["unconfirmed", "published", "held", "hidden", "withdrawn", "rejected"]),
                name="pledges_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="pledges_published_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text[:60]} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        # Derived spellings only: no side effects here (those live in services).
        self.email_normalised = normalise_email(self.email)
        self.text_normalised = normalise_text(self.text)[: self.TEXT_MAX]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("pledges:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC

    @property
    def first_name(self) -> str:
        return (self.name or "").strip().split(" ")[0]

    @property
    def shown_as(self) -> str:
        """'a care worker in the South West', or 'Sam, a nurse in London' when they chose to show a name."""
        who = " ".join(part for part in (role_phrase(self.job_role), region_phrase(self.region)) if part)
        if self.show_name == self.ShowName.NAME and self.first_name:
            return f"{self.first_name}, {who}"
        return who


class PledgerCampaign(models.Model):
    """One row per person per campaign with how many of their pledges count.

    The `people` total moves only when this goes 0 -> 1 or 1 -> 0, which a single
    row-locking UPDATE decides, so concurrent pledges by one person count them once.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE)
    email_normalised = models.CharField(max_length=254)
    pledges = models.IntegerField(default=0)
    # Marked by the pledge-closing job (pledges/reminders.py) once it has told this person.
    closing_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email_normalised"], name="pledges_pledger_unique"),
            models.CheckConstraint(condition=Q(pledges__gte=0), name="pledges_pledger_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.email_normalised} in campaign {self.campaign_id}: {self.pledges}"


class PledgeReport(models.Model):
    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", "It is offensive"
        SPAM = "spam", "It is spam or advertising"
        PERSONAL = "personal", "It contains personal or patient information"
        OTHER = "other", "Something else"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reports")
    # "user:<id>" or "ip:<hash>" (pledges.services.reporter_key); pledge_report decides when
    # reports hide a pledge.
    reporter = models.CharField(max_length=100)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True, max_length=500)
    # False when the reporter had already counted towards hiding their daily number of pledges.
    counted = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "reporter"], name="pledges_report_once"),
            length_at_most("detail", 500, name="pledges_report_detail_length"),
        ]
        # How many pledges one reporter counted towards hiding today.
        indexes = [models.Index(fields=["reporter", "created_at"], name="pledges_report_reporter_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on pledge {self.pledge_id}"


# --- Outcomes: what a pledge changed, asked a few months on ---------------------------

# The starting question set (seeded by migration 0008 with no campaign: the set for every
# campaign that has none of its own). Admins edit labels, hints and choices; the question
# names and kinds are fixed, because the kept counters are named after them. A choice's
# value is its counter's name (`pledges:<campaign>:outcomes:benefit:<value>`), so keep it.
DEFAULT_OUTCOME_QUESTIONS = {
    "benefit": {
        "label": "Who benefited from what you did?",
        "hint": "Select all that apply.",
        "choices": [
            ["patients", "Patients or people who use services"],
            ["carers", "Carers"],
            ["colleagues", "Colleagues"],
            ["me", "Me"],
        ],
    },
    "reach": {
        "label": "How far did it reach?",
        "choices": [
            ["me", "Just me"],
            ["team", "My team"],
            ["organisation", "My organisation"],
            ["beyond", "Beyond my organisation"],
        ],
    },
    "ongoing": {
        "label": "Is it still going?",
        "choices": [["yes", "Yes"], ["partly", "Partly"], ["no", "No"]],
    },
    "change": {
        "label": "In one sentence, what changed? (optional)",
        "hint": "For example: “Night staff now get a proper handover from the day team.”",
    },
    "publish": {
        "label": "Publish this sentence on the page of what pledges changed",
        "hint": "It is shown with your pledge and your role and region, never your email address.",
    },
}
# Questions whose answer is one of their choices, and the one where several may be chosen.
OUTCOME_SINGLE = ("reach", "ongoing")
OUTCOME_MULTIPLE = ("benefit",)


def default_outcome_questions() -> dict:
    import copy

    return copy.deepcopy(DEFAULT_OUTCOME_QUESTIONS)


class OutcomeQuestionSet(models.Model):
    """The follow-up questions for a campaign (or, with no campaign, for every campaign without
    its own). A set that has answers is never changed in place: the admin saves the edit as the
    next version, so each answer keeps the wording it answered."""

    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_question_sets",
        help_text="Leave empty for the set used by every campaign that has none of its own.",
    )
    version = models.PositiveIntegerField(default=1)
    questions = models.JSONField(default=default_outcome_questions)
    is_active = models.BooleanField(default=True, help_text="The set asked from now on (one per campaign).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["campaign_id", "-version"]
        verbose_name = "outcome question set"
        constraints = [
            # Each pair in two halves, as a NULL campaign (the set for every campaign) is never
            # equal to another in a plain unique constraint.
            models.UniqueConstraint(
                fields=["campaign", "version"],
                condition=Q(campaign__isnull=False),
                name="pledges_outcome_set_version_unique",
            ),
            models.UniqueConstraint(
                fields=["version"], condition=Q(campaign__isnull=True), name="pledges_outcome_default_version_unique"
            ),
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(is_active=True, campaign__isnull=False),
                name="pledges_outcome_set_one_active",
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, campaign__isnull=True),
                name="pledges_outcome_default_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign or 'Every campaign'}: version {self.version}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        problem = outcome_questions_problem(self.questions)
        if problem:
            raise ValidationError({"questions": problem})

    def question(self, name: str) -> dict:
        return {**DEFAULT_OUTCOME_QUESTIONS[name], **(self.questions or {}).get(name, {})}

    def choices(self, name: str) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in self.question(name)["choices"]]

    def label_for(self, name: str, value: str) -> str:
        return dict(self.choices(name)).get(value, value)


def outcome_questions_problem(questions) -> str | None:
    """What is wrong with an edited question set, in words for the admin; None when it is usable."""
    if not isinstance(questions, dict):
        return "Enter the questions as an object with benefit, reach, ongoing, change and publish."
    missing = [name for name in DEFAULT_OUTCOME_QUESTIONS if name not in questions]
    if missing:
        return f"Add the question{'s' if len(missing) > 1 else ''} {', '.join(missing)}."
    for name, question in questions.items():
        if name not in DEFAULT_OUTCOME_QUESTIONS:
            return f"Remove {name}: the questions are benefit, reach, ongoing, change and publish."
        if not isinstance(question, dict) or not str(question.get("label", "")).strip():
            return f"Give {name} a label."
        if name in OUTCOME_SINGLE + OUTCOME_MULTIPLE:
            choices = question.get("choices")
            if not isinstance(choices, list) or not choices:
                return f"Give {name} its choices, as a list of [value, label]."
            for choice in choices:
                if not (
                    isinstance(choice, list) and len(choice) == 2 and re.fullmatch(r"[a-z0-9-]{1,40}", str(choice[0]))
                ):
                    return (
                        f"Each choice of {name} is [value, label], the value in lower-case letters, digits and hyphens."
                    )
    return None


class PledgeOutcome(models.Model):
    """One person's answers about what their pledge changed: at most one per pledge.

    Kept totals (`pledges:<campaign>:outcomes:*`) move with each answer in the same transaction
    (pledges/outcomes.py); the nightly recount checks them against this table."""

    CHANGE_MAX = 280

    pledge = models.OneToOneField(Pledge, on_delete=models.CASCADE, related_name="outcome")
    # Copied from the pledge, so the page of published sentences reads one index.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="outcomes")
    question_set = models.ForeignKey(OutcomeQuestionSet, on_delete=models.PROTECT, related_name="answers")
    # The chosen values of the benefit question, a list (JSON, so `make run` works on SQLite too).
    benefit = models.JSONField(default=list)
    reach = models.CharField(max_length=40)
    ongoing = models.CharField(max_length=40)
    change = models.CharField(max_length=CHANGE_MAX, blank=True)
    publish_change = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["campaign", "-id"], name="pledges_outcome_published_idx", condition=Q(publish_change=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_change=False) | ~Q(change=""), name="pledges_outcome_publish_needs_words"
            ),
            models.CheckConstraint(condition=~Q(benefit=[]), name="pledges_outcome_benefit_chosen"),
        ]

    def __str__(self) -> str:
        return f"Outcome of pledge {self.pledge_id}"
