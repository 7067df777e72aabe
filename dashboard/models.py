from django.db import models


class DailyTotal(models.Model):
    """A kept total as it stood at the end of a day, for the charts of totals over time.

    Written each night from the counters (no counting of big tables) and backfilled once
    from the pledge table by `backfill_daily_totals` after a bulk load or demo data."""

    key = models.CharField(max_length=150)
    day = models.DateField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="dashboard_dailytotal_key_day")]
        indexes = [models.Index(fields=["key", "day"], name="dashboard_dailytotal_idx")]

    def __str__(self) -> str:
        return f"{self.key} on {self.day}: {self.value}"
