from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from accounts.roles import is_programme_admin
from counters.models import Milestone
from counters.services import counter_values, counter_values_with_prefix
from pages.csv_stream import csv_response
from pledges.models import Campaign, Pledge, Theme

from . import services
from .charts import Series, bar_chart, line_chart

BREAKDOWNS = {
    "theme": "Theme",
    "role": "Role",
    "sector": "Sector",
    "region": "Region",
}


def _require_programme_admin(user):
    if not is_programme_admin(user):
        raise PermissionDenied


def _labels(by: str) -> dict[str, str]:
    if by == "theme":
        return dict(Theme.objects.values_list("slug", "name"))
    return dict({"role": JobRole, "sector": Sector, "region": Region}[by].choices)


def breakdown(campaign, by: str) -> list[tuple[str, int]]:
    """(label, count) for one facet of a campaign, largest first, from the kept totals."""
    prefix = f"pledges:{campaign.pk}:{by}:"
    labels = _labels(by)
    rows = [
        (labels.get(key[len(prefix) :], key[len(prefix) :]), value)
        for key, value in counter_values_with_prefix(prefix).items()
        if value
    ]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


@login_required
def index(request):
    _require_programme_admin(request.user)
    campaigns = list(Campaign.objects.order_by("-opens_at")[:2])
    current = next((c for c in campaigns if c.is_current), campaigns[0] if campaigns else None)
    previous = (
        next((c for c in Campaign.objects.filter(opens_at__lt=current.opens_at).order_by("-opens_at")[:1]), None)
        if current
        else None
    )
    kept = counter_values(["ambassadors:active", "organisations:committed", "organisations:staff-commitments"])
    totals = {
        "care_makers": kept["ambassadors:active"],
        "committed": kept["organisations:committed"],
        "staff": kept["organisations:staff-commitments"],
    }
    context = {"current": current, "previous": previous, "totals": totals, "breakdowns": []}
    if current:
        pledge_totals = counter_values(
            [f"pledges:{current.pk}:total", f"pledges:{current.pk}:people", f"pledges:{current.pk}:done"]
        )
        context["pledge_totals"] = {k.rsplit(":", 1)[1]: v for k, v in pledge_totals.items()}
        now_series = services.campaign_series(current)
        if now_series:
            now_series[-1] = context["pledge_totals"]["total"]  # today is live, not last night's figure
        series = [Series(current.name, now_series)]
        rows = []
        if previous:
            before = services.campaign_series(previous)[: max(len(now_series), 1)]
            series.append(Series(previous.name, before))
        length = max((len(s.values) for s in series), default=0)
        for day in range(length):
            rows.append({"day": day + 1, "values": [s.values[day] if day < len(s.values) else None for s in series]})
        context["per_day_chart"] = line_chart(
            title=f"Pledges by day of the campaign: {current.name}" + (f" against {previous.name}" if previous else ""),
            series=series,
            x_labels=[f"Day {n}" for n in range(1, length + 1)],
        )
        context["per_day_rows"] = rows
        context["series_names"] = [s.label for s in series]
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
    context["milestones"] = Milestone.objects.order_by("-reached_at")[:20]
    return render(request, "dashboard/index.html", context)


def _csv_response(rows, filename: str):
    response = csv_response(rows, filename, bom=True)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def breakdown_csv(request, by):
    _require_programme_admin(request.user)
    if by not in BREAKDOWNS:
        raise Http404
    campaign = Campaign.objects.filter(is_current=True).first()
    if campaign is None:
        raise Http404
    rows = [[BREAKDOWNS[by], "Pledges"], *breakdown(campaign, by)]
    return _csv_response(rows, f"care-pledge-{campaign.slug}-by-{by}.csv")


PLEDGE_COLUMNS = [
    "id",
    "campaign",
    "status",
    "created",
    "published",
    "done",
    "theme",
    "kind",
    "role",
    "sector",
    "region",
    "organisation",
    "text",
]


@login_required
def pledges_csv(request):
    """Every pledge with its status, for programme admins: no names or email addresses."""
    _require_programme_admin(request.user)
    pledges = (
        Pledge.objects.order_by("id")
        .values_list(
            "id",
            "campaign__slug",
            "status",
            "created_at",
            "published_at",
            "done_at",
            "theme__slug",
            "kind",
            "job_role",
            "sector",
            "region",
            "organisation_name",
            "text",
        )
        .iterator(chunk_size=5000)
    )

    def rows():
        yield PLEDGE_COLUMNS
        for row in pledges:
            row = list(row)
            for i in (3, 4, 5):
                row[i] = timezone.localtime(row[i]).strftime("%Y-%m-%d %H:%M") if row[i] else ""
            yield row

    return _csv_response(rows(), f"care-pledge-all-pledges-{timezone.localdate():%Y-%m-%d}.csv")
