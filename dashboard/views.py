import itertools
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import is_programme_admin
from pages.csv_stream import csv_response
from pledges.models import Campaign, Pledge

from . import selectors
from .selectors import BREAKDOWNS, breakdown


def _require_programme_admin(user):
    if not is_programme_admin(user):
        raise PermissionDenied("Only programme admins can see the counts dashboard and its downloads.")


@login_required
def index(request):
    _require_programme_admin(request.user)
    return render(
        request,
        "dashboard/index.html",
        {**selectors.dashboard_overview(), "commitment": selectors.commitment_overview()},
    )


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


@login_required
def impact_outcomes_csv(request):
    """The evaluation dataset's outcome answers: no names, addresses, pledges or unpublished words."""
    _require_programme_admin(request.user)
    from pledges.impact import EXPORT_OUTCOME_FIELDS, export_outcome_rows

    rows = ([row[f] for f in EXPORT_OUTCOME_FIELDS] for row in export_outcome_rows())
    return _csv_response(
        itertools.chain([EXPORT_OUTCOME_FIELDS], rows), f"care-pledge-outcomes-{timezone.localdate():%Y-%m-%d}.csv"
    )


@login_required
def impact_activities_csv(request):
    """The evaluation dataset's Care Maker activities: no Care Maker, name or description."""
    _require_programme_admin(request.user)
    from ambassadors.selectors import EXPORT_ACTIVITY_FIELDS, export_activity_rows

    rows = ([row[f] for f in EXPORT_ACTIVITY_FIELDS] for row in export_activity_rows())
    return _csv_response(
        itertools.chain([EXPORT_ACTIVITY_FIELDS], rows),
        f"care-makers-activities-{timezone.localdate():%Y-%m-%d}.csv",
    )


@login_required
def impact_json(request):
    """The whole evaluation dataset in one JSON file, streamed: outcome answers and activities."""
    _require_programme_admin(request.user)
    from ambassadors.selectors import export_activity_rows
    from pledges.impact import export_outcome_rows

    def chunks():
        for n, (name, rows) in enumerate((("outcomes", export_outcome_rows()), ("activities", export_activity_rows()))):
            yield ("{" if n == 0 else "],") + json.dumps(name) + ": ["
            first = True
            for row in rows:
                yield ("" if first else ",") + "\n" + json.dumps(row, ensure_ascii=False)
                first = False
        yield "\n]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="care-pledge-impact-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response
