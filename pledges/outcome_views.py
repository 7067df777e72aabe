"""The outcome follow-up's answer page (from a signed link, no account) and the impact report."""

import json

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from pages.csv_stream import csv_response

from . import impact as impact_report
from . import outcomes, selectors
from .microcache import public_microcache
from .models import Campaign, Pledge, PledgeOutcome
from .outcome_forms import OutcomeForm


class _LinkRefused(Exception):
    """An outcome link that cannot be answered: the page to show and its status."""

    def __init__(self, status: int, **context):
        super().__init__(status)
        self.status = status
        self.context = context


def _pledge_of_outcome_link(token: str) -> Pledge:
    try:
        pledge_id = outcomes.outcome_token_read(token)
    except signing.SignatureExpired:
        raise _LinkRefused(410, expired=True) from None
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise _LinkRefused(404) from None
    pledge = Pledge.objects.select_related("campaign").filter(pk=pledge_id).exclude(status__in=Pledge.ENDED).first()
    if pledge is None:
        raise _LinkRefused(404, withdrawn=True)
    return pledge


def _outcome_saved(form: OutcomeForm, pledge: Pledge, question_set) -> bool:
    try:
        outcomes.outcome_record(pledge=pledge, question_set=question_set, answers=form.cleaned_data)
    except outcomes.OutcomeError as exc:
        form.add_error(None, str(exc))
        return False
    return True


def outcome(request, token: str):
    try:
        pledge = _pledge_of_outcome_link(token)
    except _LinkRefused as refused:
        return render(request, "pledges/outcome_link.html", refused.context, status=refused.status)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        outcomes.outcome_withdraw(pledge=pledge)
        messages.success(request, "Your answers have been deleted and taken out of the figures.")
        return redirect(request.path)
    answered = PledgeOutcome.objects.filter(pledge=pledge).first()
    question_set = outcomes.outcome_question_set(pledge.campaign)
    form = OutcomeForm(request.POST or None, question_set=question_set, initial=OutcomeForm.initial_from(answered))
    if request.method == "POST" and form.is_valid() and _outcome_saved(form, pledge, question_set):
        messages.success(request, "Thank you. Your answers have been saved.")
        return redirect(request.path)
    return render(request, "pledges/outcome.html", {"form": form, "pledge": pledge, "answered": answered})


def _campaign(slug: str | None) -> Campaign | None:
    if slug is None:
        return selectors.current_campaign()
    return get_object_or_404(Campaign, slug=slug)


@public_microcache
def impact(request, slug: str | None = None):
    context = impact_report.impact_page(slug=slug, params=request.GET)
    if context is None:
        return render(request, "pledges/no_campaign.html")
    return render(request, "pledges/impact.html", context)


def _figures(slug: str | None) -> tuple[Campaign, list[list]]:
    campaign = _campaign(slug)
    if campaign is None:
        campaign = get_object_or_404(Campaign, is_current=True)
    return campaign, impact_report.report_rows(impact_report.campaign_report(campaign))


def impact_csv(request, slug: str | None = None):
    campaign, rows = _figures(slug)
    return csv_response([impact_report.REPORT_FIELDS, *rows], f"care-pledge-impact-{campaign.slug}.csv")


def impact_json(request, slug: str | None = None):
    campaign, rows = _figures(slug)
    body = {
        "campaign": campaign.slug,
        "note": "Figures under 5 are given as 'fewer than 5', as on the page.",
        "fields": impact_report.REPORT_FIELDS,
        "figures": [dict(zip(impact_report.REPORT_FIELDS, row, strict=True)) for row in rows],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
