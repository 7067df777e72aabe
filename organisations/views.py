from django.shortcuts import render

from .selectors import home_summary


def index(request):
    return render(request, "organisations/index.html", {"summary": home_summary()})
