from django.db import models


class Counter(models.Model):
    """A kept total, split over a few shard rows.

    Each event adds to one shard picked at random, so thousands of pledges a minute do
    not queue on one hot row; a read sums the shards of a key (a handful of rows).
    """

    key = models.CharField(max_length=150)
    shard = models.PositiveSmallIntegerField()
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "shard"], name="counters_counter_key_shard_unique")]
        # Breakdowns read every key under a prefix (`key LIKE 'pledges:3:%'`). Under a
        # collation other than C the unique constraint's index cannot answer LIKE, and the
        # read scanned every counter row: 2.6 ms of each wall page at a million pledges.
        indexes = [models.Index(fields=["key"], name="counters_key_prefix_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.key}[{self.shard}] = {self.value}"


class MilestoneRule(models.Model):
    """Thresholds for one counted thing. `pattern` is a counter key, where `*` stands for
    one part of it: `pledges:*:total` covers the total of every campaign."""

    class Audience(models.TextChoices):
        ADMINS = "admins", "Programme admins only"
        CAMPAIGN = "campaign", "Programme admins and people who asked for campaign news"
        REGION = "region", "Programme admins and people in that region who asked for campaign news"
        ORGANISATION = "organisation", "Programme admins and the organisation's representatives"

    pattern = models.CharField(max_length=150, unique=True, help_text="A counter key; * stands for one part of it.")
    label = models.CharField(
        max_length=120,
        help_text="What is counted, after the number: '1,000 pledges made in this campaign'. "
        "{1} is replaced by what the first * stood for, {2} by the second.",
    )
    thresholds = models.JSONField(default=list, help_text="Numbers to celebrate, smallest first.")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.ADMINS)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pattern"]

    def __str__(self) -> str:
        return self.pattern


class Milestone(models.Model):
    """A threshold crossed. The unique constraint is what makes it happen once: of many
    publishers seeing the total pass 1,000 at the same moment, one INSERT succeeds."""

    key = models.CharField(max_length=150)
    threshold = models.BigIntegerField()
    value_at_crossing = models.BigIntegerField()
    label = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=MilestoneRule.Audience.choices)
    rule = models.ForeignKey(MilestoneRule, null=True, blank=True, on_delete=models.SET_NULL)
    reached_at = models.DateTimeField(auto_now_add=True)
    # Set when every announcement email has been queued; the sweep finishes the rest.
    announced_at = models.DateTimeField(null=True, blank=True)
    # How far the batched announcement has gone (the position the next batch starts after),
    # and when the batch that goes on from there was handed on: a lease the sweep takes back.
    announce_after = models.BigIntegerField(default=0)
    announce_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reached_at", "-threshold"]
        constraints = [
            models.UniqueConstraint(fields=["key", "threshold"], name="counters_milestone_once"),
            models.CheckConstraint(
                condition=models.Q(value_at_crossing__gte=models.F("threshold")), name="counters_milestone_reached"
            ),
        ]
        indexes = [models.Index(fields=["announced_at"], name="counters_milestone_todo_idx")]

    def __str__(self) -> str:
        return f"{self.threshold:,} {self.label}"
