from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import milestone_rules, milestones_reached


def milestones(request):
    page = Paginator(milestones_reached(), 50).get_page(request.GET.get("page"))
    return render(request, "counters/milestones.html", {"page": page, "rules": milestone_rules()})
