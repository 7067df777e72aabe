from django.shortcuts import render

from .selectors import home_summary


def index(request):
    return render(request, "ambassadors/index.html", {"summary": home_summary()})
