"""Bare baselines for `make bench`, served by the same gunicorn as the real pages, so every
figure can be given as a ratio of what this machine does with Django doing almost nothing.
Mounted only under config/settings_bench.py, the settings `make bench` runs with."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines

from .models import BaselineRow

_FORM_PAGE = engines["django"].from_string(
    '<!DOCTYPE html><html lang="en"><title>form</title><form method="post">{% csrf_token %}{{ form }}'
    "<button>Send</button></form></html>"
)


class BaselineForm(forms.Form):
    name = forms.CharField(max_length=100)
    email = forms.EmailField()


def bare(request):
    return HttpResponse(b"Care Pledge baseline", content_type="text/plain")  # 20 bytes


def form(request):
    bound = BaselineForm(request.POST or None)
    if request.method == "POST" and bound.is_valid():
        BaselineRow.objects.create(**bound.cleaned_data)
        return redirect("bench:form")
    return HttpResponse(_FORM_PAGE.render({"form": bound}, request))
