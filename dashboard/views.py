from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
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
    return render(request, "dashboard/index.html", selectors.dashboard_overview())


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
