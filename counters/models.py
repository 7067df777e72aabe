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

    def __str__(self) -> str:
        return f"{self.key}[{self.shard}] = {self.value}"
