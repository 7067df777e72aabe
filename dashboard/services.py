"""The counts dashboard's data: kept totals now, and their daily history."""

import logging
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from ambassadors import keys as ambassador_keys
from counters.models import Counter
from counters.services import counter_values_with_prefix
from organisations import keys as organisation_keys
from pledges import keys as pledge_keys

from .models import DailyTotal

logger = logging.getLogger(__name__)

# Totals worth a history: every campaign's pledges and people, Care Makers, employers.
HISTORY_PATTERNS = (":total", ":people", ":done")
HISTORY_KEYS = (ambassador_keys.ACTIVE, organisation_keys.COMMITTED, organisation_keys.STAFF_COMMITMENTS)


def _history_keys() -> list[str]:
    keys = Counter.objects.filter(key__startswith=pledge_keys.PREFIX).values_list("key", flat=True).distinct()
    chosen = {k for k in keys if k.count(":") == 2 and k.endswith(HISTORY_PATTERNS)}
    return sorted(chosen | set(HISTORY_KEYS))


def daily_totals_snapshot(*, day: date | None = None) -> int:
    """Record today's totals (run each night; running it again the same day updates them)."""
    day = day or timezone.localdate()
    keys = _history_keys()
    values = {}
    for prefix in (pledge_keys.PREFIX, ambassador_keys.PREFIX, organisation_keys.PREFIX):
        values.update(counter_values_with_prefix(prefix))
    with transaction.atomic():
        for key in keys:
            DailyTotal.objects.update_or_create(key=key, day=day, defaults={"value": values.get(key, 0)})
    logger.info("dashboard: recorded %s totals for %s", len(keys), day)
    return len(keys)


def daily_totals_backfill() -> int:
    """Rebuild each campaign's pledges-per-day history from the pledge table (one GROUP BY
    per campaign; for after demo data or a bulk load, never in a page request)."""
    from pledges.models import Campaign, Pledge

    written = 0
    with transaction.atomic():
        for campaign in Campaign.objects.all():
            key = pledge_keys.total(campaign.pk)
            rows = (
                Pledge.objects.filter(campaign=campaign, status__in=Pledge.COUNTED, published_at__isnull=False)
                .annotate(day=TruncDate("published_at"))
                .values("day")
                .annotate(n=Count("id"))
                .order_by("day")
            )
            running = 0
            DailyTotal.objects.filter(key=key).delete()
            for row in rows:
                running += row["n"]
                DailyTotal.objects.create(key=key, day=row["day"], value=running)
                written += 1
    logger.info("dashboard: backfilled %s daily pledge totals", written)
    return written


def campaign_series(campaign, *, today: date | None = None) -> list[int]:
    """Cumulative pledges on each day of the campaign, from the day it opened: day 1, day 2..."""
    today = today or timezone.localdate()
    opened = timezone.localdate(campaign.opens_at)
    last = min(today, timezone.localdate(campaign.closes_at))
    if last < opened:
        return []
    history = dict(
        DailyTotal.objects.filter(key=pledge_keys.total(campaign.pk), day__range=(opened, last)).values_list(
            "day", "value"
        )
    )
    series, running = [], 0
    day = opened
    while day <= last:
        running = history.get(day, running)
        series.append(running)
        day += timedelta(days=1)
    return series


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
