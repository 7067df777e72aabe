"""Moderation shared by every programme: reasons, claims and the audit log.

Items are named by a type and an id ("pledge", 123) rather than generic foreign keys: the
log must outlive what it describes (nothing is hard-deleted by moderation, but a person
may delete their account) and stays readable without joins.
"""

from django.conf import settings
from django.db import models

from pages.constraints import length_at_most


class Reason(models.Model):
    """Why an item was rejected or hidden: an editable list."""

    class AppliesTo(models.TextChoices):
        ANY = "any", "Anything"
        PLEDGE = "pledge", "Pledges"
        STORY = "story", "Stories"
        APPLICATION = "application", "Care Maker applications"
        ORGANISATION = "organisation", "Organisations"

    code = models.SlugField(max_length=50, unique=True)
    # Care Maker decline reasons are sentences the applicant reads, up to 200 characters.
    label = models.CharField(max_length=200)
    explanation = models.TextField(
        blank=True, max_length=1000, help_text="What the author is told in the email, when the author is told."
    )
    notify_author = models.BooleanField(
        default=True, help_text="Email the author with the reason. Off: the item is hidden quietly."
    )
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices, default=AppliesTo.ANY)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]
        constraints = [length_at_most("explanation", 1000, name="moderation_reason_explanation_length")]

    def __str__(self) -> str:
        return self.label


class Claim(models.Model):
    """A moderator is looking at an item: others see it is taken until the claim expires."""

    item_type = models.CharField(max_length=30)
    item_id = models.BigIntegerField()
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_type", "item_id"], name="moderation_claim_one_per_item")]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_id} claimed by {self.moderator_id}"


class Decision(models.Model):
    """The audit log: every moderation and review decision, who, what, when and why. One row
    per decision, written by the decision service (`pledge_decide`, `story_decide`,
    `application_decide`, `organisation_verify`) and kept even if the decision is reversed."""

    item_type = models.CharField(max_length=30)
    item_id = models.BigIntegerField()
    item_summary = models.CharField(max_length=300, help_text="What the item said, without contact details.")
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    reason = models.ForeignKey(Reason, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason_label = models.CharField(max_length=200, blank=True)
    # The decide form takes 1,000 characters; notes written by the site itself (from the admin,
    # from other programmes' services) get room to spare.
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["item_type", "item_id"], name="moderation_decision_item_idx")]
        constraints = [length_at_most("note", 2000, name="moderation_decision_note_length")]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.item_type} {self.item_id}"


class ContactView(models.Model):
    """A moderator opened an author's contact details: recorded, because they are hidden by default."""

    item_type = models.CharField(max_length=30)
    item_id = models.BigIntegerField()
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    why = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.moderator_id} viewed contact for {self.item_type} {self.item_id}"
