"""The Social Care Commitment in practice: employers' tasks by statement, for the whole programme,
as a page with a chart and its table, and as CSV and JSON beside the open data. Every figure is a
kept total (counters), so these pages never count the tasks table."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from core.csv_stream import csv_response

from .selectors import commitment_task_figures, commitment_tasks_chart, latest_evidence_cards

CSV_FIELDS = ["statement", "title", "tasks_chosen", "tasks_done", "tasks_overdue", "tasks_not_yet_due"]


def impact(request):
    figures = commitment_task_figures()
    return render(
        request,
        "organisations/impact.html",
        {
            "figures": figures,
            "chart": commitment_tasks_chart(
                figures, title="Employers' tasks under each statement: done, overdue and not yet due"
            ),
            "evidence": latest_evidence_cards(),
        },
    )


def _rows(figures: dict):
    for row in figures["rows"]:
        yield [row["number"], row["title"], row["chosen"], row["done"], row["overdue"], row["to_do"]]
    totals = figures["totals"]
    yield ["all", "All statements", totals["chosen"], totals["done"], totals["overdue"], totals["to_do"]]


@cache_control(public=True, max_age=300)
def impact_csv(request):
    rows = [CSV_FIELDS, *_rows(commitment_task_figures())]
    return csv_response(rows, f"social-care-commitment-tasks-{timezone.localdate():%Y-%m-%d}.csv")


@cache_control(public=True, max_age=300)
def impact_json(request):
    figures = commitment_task_figures()
    response = JsonResponse(
        {
            "programme": "Social Care Commitment",
            "date": timezone.localdate().isoformat(),
            "employers_committed": figures["committed"],
            "evidence_published": figures["evidence_published"],
            "fields": CSV_FIELDS,
            "statements": [dict(zip(CSV_FIELDS, row, strict=True)) for row in _rows(figures)],
            "notes": "Tasks employers chose when they signed the commitment, by employer statement. "
            "Overdue: past its target date and not done, as counted each night.",
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
