"""What the counts dashboard shows, read from kept totals and their daily history.

Nothing here counts a big table: totals come from `counters`, the past from `DailyTotal`
(one row per total per day, written each night), so "today" is the live total less last
night's, and a week is the live total less the one recorded seven nights ago.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from ambassadors import keys as ambassador_keys
from counters.models import Milestone
from counters.selectors import next_milestone_rule_threshold
from counters.services import counter_values, counter_values_with_prefix
from organisations import keys as organisation_keys
from pledges import keys as pledge_keys
from pledges.models import Campaign, Theme

from . import services
from .charts import Series, bar_chart, line_chart
from .models import DailyTotal

BREAKDOWNS = {
    "theme": "Theme",
    "role": "Role",
    "sector": "Sector",
    "region": "Region",
}


def _labels(by: str) -> dict[str, str]:
    if by == "theme":
        return dict(Theme.objects.values_list("slug", "name"))
    return dict({"role": JobRole, "sector": Sector, "region": Region}[by].choices)


def breakdown(campaign, by: str) -> list[tuple[str, int]]:
    """(label, count) for one facet of a campaign, largest first, from the kept totals."""
    prefix = pledge_keys.facet_prefix(campaign.pk, by)
    labels = _labels(by)
    rows = [
        (labels.get(key[len(prefix) :], key[len(prefix) :]), value)
        for key, value in counter_values_with_prefix(prefix).items()
        if value
    ]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def campaigns_compared() -> tuple[Campaign | None, Campaign | None]:
    """The campaign the dashboard is about (the current one, else the latest) and the one before it."""
    campaigns = list(Campaign.objects.order_by("-opens_at")[:2])
    current = next((c for c in campaigns if c.is_current), campaigns[0] if campaigns else None)
    if current is None:
        return None, None
    previous = Campaign.objects.filter(opens_at__lt=current.opens_at).order_by("-opens_at").first()
    return current, previous


def _total_at_end_of(key: str, day: date) -> int | None:
    """The total as recorded at the end of `day`, or of the last recorded day before it."""
    return DailyTotal.objects.filter(key=key, day__lte=day).order_by("-day").values_list("value", flat=True).first()


@dataclass(frozen=True)
class Progress:
    total: int
    today: int
    this_week: int
    target: int | None
    next_threshold: int | None
    projected_on: date | None

    @property
    def target_percent(self) -> int | None:
        if not self.target:
            return None
        return min(100, round(self.total * 100 / self.target))

    @property
    def to_target(self) -> int | None:
        return max(0, self.target - self.total) if self.target else None


def campaign_progress(campaign: Campaign, total: int, *, today: date | None = None) -> Progress:
    """Pledges made today and in the last 7 days, progress to the campaign's target, and the
    next milestone with the day it should be reached at this week's pace."""
    today = today or timezone.localdate()
    key = pledge_keys.total(campaign.pk)
    opened = timezone.localdate(campaign.opens_at)
    # Before the campaign opened its total was nought, recorded or not.
    last_night = _total_at_end_of(key, today - timedelta(days=1)) or 0
    week_ago = _total_at_end_of(key, today - timedelta(days=7)) or 0
    this_week = max(0, total - week_ago)
    threshold = next_milestone_rule_threshold(key, total)
    projected = None
    days_counted = min(7, max(1, (today - opened).days + 1))
    per_day = this_week / days_counted
    if threshold is not None and per_day > 0 and campaign.window() == "open":
        projected = today + timedelta(days=math.ceil((threshold - total) / per_day))
        if projected > timezone.localdate(campaign.closes_at):
            projected = None  # not at this pace before the campaign closes
    return Progress(
        total=total,
        today=max(0, total - last_night),
        this_week=this_week,
        target=campaign.target,
        next_threshold=threshold,
        projected_on=projected,
    )


def _per_day(current: Campaign, previous: Campaign | None, live_total: int) -> dict:
    now_series = services.campaign_series(current)
    if now_series:
        now_series[-1] = live_total  # today is live, not last night's figure
    series = [Series(current.name, now_series)]
    if previous:
        series.append(Series(previous.name, services.campaign_series(previous)[: max(len(now_series), 1)]))
    length = max((len(s.values) for s in series), default=0)
    rows = [
        {"day": day + 1, "values": [s.values[day] if day < len(s.values) else None for s in series]}
        for day in range(length)
    ]
    title = f"Pledges by day of the campaign: {current.name}" + (f" against {previous.name}" if previous else "")
    return {
        "per_day_chart": line_chart(title=title, series=series, x_labels=[f"Day {n}" for n in range(1, length + 1)]),
        "per_day_rows": rows,
        "series_names": [s.label for s in series],
    }


def follow_up_rates(campaigns: list[Campaign]) -> list[dict]:
    """The outcome follow-up's response rate for each campaign, from kept totals: asked (the
    follow-up sent about a pledge still on the wall), answered, and the rate. Exact figures:
    this page is for programme admins, not the public."""
    from pledges import keys as pledge_keys
    from pledges.outcomes import STILL_GOING_ANSWER

    keys = {}
    for campaign in campaigns:
        keys[campaign.pk] = {
            "asked": pledge_keys.outcomes_asked(campaign.pk),
            "answered": pledge_keys.outcomes_answered(campaign.pk),
            "still_going": pledge_keys.outcome_choice(campaign.pk, "ongoing", STILL_GOING_ANSWER),
            "published": pledge_keys.outcomes_published(campaign.pk),
            "done": pledge_keys.done(campaign.pk),
        }
    values = counter_values(key for named in keys.values() for key in named.values())
    rows = []
    for campaign in campaigns:
        figures = {name: values[key] for name, key in keys[campaign.pk].items()}
        asked, answered = figures["asked"], figures["answered"]
        rate = min(100, round(100 * answered / asked)) if asked else None
        rows.append({"campaign": campaign, **figures, "rate": rate})
    return rows


def impact_overview(current: Campaign | None, previous: Campaign | None) -> dict:
    """Headline impact figures for the dashboard: the follow-up's response rates and what Care
    Makers logged (kept totals only)."""
    from ambassadors import keys as ambassador_keys

    kept = counter_values([ambassador_keys.ACTIVITIES, ambassador_keys.ACTIVITIES_REACH])
    return {
        "follow_ups": follow_up_rates([c for c in (current, previous) if c is not None]),
        "activities": kept[ambassador_keys.ACTIVITIES],
        "activities_reach": kept[ambassador_keys.ACTIVITIES_REACH],
    }


def dashboard_overview() -> dict:
    """Everything the dashboard page shows, as template context."""
    current, previous = campaigns_compared()
    kept = counter_values([ambassador_keys.ACTIVE, organisation_keys.COMMITTED, organisation_keys.STAFF_COMMITMENTS])
    context = {
        "current": current,
        "previous": previous,
        "totals": {
            "care_makers": kept[ambassador_keys.ACTIVE],
            "committed": kept[organisation_keys.COMMITTED],
            "staff": kept[organisation_keys.STAFF_COMMITMENTS],
        },
        "breakdowns": [],
        "milestones": Milestone.objects.order_by("-reached_at", "-threshold")[:20],
        "impact": impact_overview(current, previous),
    }
    if current is None:
        return context
    keys = {
        "total": pledge_keys.total(current.pk),
        "people": pledge_keys.people(current.pk),
        "done": pledge_keys.done(current.pk),
    }
    kept = counter_values(keys.values())
    pledge_totals = {name: kept[key] for name, key in keys.items()}
    context["pledge_totals"] = pledge_totals
    context["progress"] = campaign_progress(current, pledge_totals["total"])
    context.update(_per_day(current, previous, pledge_totals["total"]))
    for by, label in BREAKDOWNS.items():
        items = breakdown(current, by)
        context["breakdowns"].append(
            {
                "by": by,
                "label": label,
                "items": items,
                "chart": bar_chart(title=f"Pledges by {label.lower()}: {current.name}", items=items),
            }
        )
    return context


def commitment_overview() -> dict:
    """The Social Care Commitment in practice: employers' tasks by statement, from kept totals."""
    from organisations.selectors import commitment_task_figures, commitment_tasks_chart

    figures = commitment_task_figures()
    return {
        "figures": figures,
        "chart": commitment_tasks_chart(figures, title="Employers' tasks under each statement"),
    }
