"""The outcome follow-up's answer page (from a signed link, no account) and the impact page."""

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render

from . import outcomes, selectors
from .microcache import public_microcache
from .models import Pledge, PledgeOutcome
from .outcome_forms import OutcomeForm


def outcome(request, token: str):
    try:
        pledge_id = outcomes.outcome_token_read(token)
    except signing.SignatureExpired:
        return render(request, "pledges/outcome_link.html", {"expired": True}, status=410)
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return render(request, "pledges/outcome_link.html", status=404)
    pledge = Pledge.objects.select_related("campaign").filter(pk=pledge_id).exclude(status__in=Pledge.ENDED).first()
    if pledge is None:
        return render(request, "pledges/outcome_link.html", {"withdrawn": True}, status=404)
    answered = PledgeOutcome.objects.filter(pledge=pledge).first()
    question_set = outcomes.outcome_question_set(pledge.campaign)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        outcomes.outcome_withdraw(pledge=pledge)
        messages.success(request, "Your answers have been deleted and taken out of the figures.")
        return redirect(request.path)
    form = OutcomeForm(request.POST or None, question_set=question_set, initial=OutcomeForm.initial_from(answered))
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.outcome_record(pledge=pledge, question_set=question_set, answers=form.cleaned_data)
        except outcomes.OutcomeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you. Your answers have been saved.")
            return redirect(request.path)
    return render(request, "pledges/outcome.html", {"form": form, "pledge": pledge, "answered": answered})


@public_microcache
def impact(request):
    campaign = selectors.current_campaign()
    if campaign is None:
        return render(request, "pledges/no_campaign.html")
    figures = outcomes.impact_figures(campaign)
    sentences = outcomes.published_sentences(campaign, page_number=request.GET.get("page"), count=figures["published"])
    return render(request, "pledges/impact.html", {"campaign": campaign, "figures": figures, "sentences": sentences})
