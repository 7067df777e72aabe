from django.db import models

from accounts.choices import Region


def about_value(model, pk) -> str:
    """What an outbox row is about, as stored: "pledges.pledge:123" for Pledge 123.

    `model` is a model class or instance; the email's key is for telling duplicates apart,
    this is for finding (and deleting) the mail about a thing with an index."""
    return f"{model._meta.label_lower}:{pk}"


class EmailQuerySet(models.QuerySet):
    def about(self, model, pks) -> "EmailQuerySet":
        """The rows about these rows of `model` (by primary key), found by the about index."""
        return self.filter(about__in=[about_value(model, pk) for pk in pks])


class Email(models.Model):
    """One message in the outbox. Written with the event that causes it; sent by a task.

    `key` says what makes a message a duplicate ("pledge-confirm:123:2"), so the same
    event can never queue the same message twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # The person had turned this category off by the time it was due: kept, never sent.
        SUPPRESSED = "suppressed", "Suppressed"

    class Category(models.TextChoices):
        # Transactional mail (confirmations, decisions) is always sent; the others
        # respect the person's preferences and carry an unsubscribe link.
        TRANSACTIONAL = "transactional", "Confirmations and decisions"
        REMINDERS = "reminders", "Reminders and follow-ups"
        NEWS = "news", "Campaign news and milestones"
        STAFF = "staff", "Staff alerts"

    # Categories a person can turn off; these carry an unsubscribe link and header.
    OPTIONAL_CATEGORIES = {Category.REMINDERS, Category.NEWS}

    kind = models.CharField(max_length=80)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.TRANSACTIONAL)
    to = models.EmailField(max_length=254)
    key = models.CharField(max_length=200, unique=True)
    # What the message is about ("pledges.pledge:123", see about_value), empty when it is
    # about no one row; set by email_queue from its caller. Retention and erasure delete by it.
    about = models.CharField(max_length=100, blank=True, default="")
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # While `sending`: when the worker last renewed its claim (a lease; see services.claim_lease).
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Fixed when the message is first built, so a copy sent again after a worker died carries
    # the same Message-ID and the receiving server or mail client can drop it.
    message_id = models.CharField(max_length=255, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_email_due_idx"),
            models.Index(fields=["kind", "created_at"], name="mail_email_kind_idx"),
            models.Index(fields=["about"], name="mail_email_about_idx", condition=~models.Q(about="")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed", "suppressed"]),
                name="mail_email_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="mail_email_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"


class MailPreference(models.Model):
    """What one address agrees to receive. Keyed by address, so people without an account
    (and links opened without signing in) have preferences too. No row means the defaults."""

    email = models.EmailField(max_length=254, unique=True)
    reminders = models.BooleanField("Reminders and follow-ups", default=True)
    news = models.BooleanField("Campaign news and milestones", default=True)
    # Milestone announcements go to a big list, so only to people who asked for them.
    campaign_news = models.BooleanField("Tell me when the campaign reaches a milestone", default=False)
    # A region's milestones ("1,000 pledges made in the North West") go only to people there.
    region = models.CharField("Your region", max_length=40, choices=Region.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["campaign_news", "news"], name="mail_pref_news_idx"),
            models.Index(fields=["region", "campaign_news", "news"], name="mail_pref_region_news_idx"),
        ]

    def __str__(self) -> str:
        return self.email

    def allows(self, category: str) -> bool:
        if category == Email.Category.REMINDERS:
            return self.reminders
        if category == Email.Category.NEWS:
            return self.news
        return True
