"""The project's select widget template renders exactly what Django's does, without an
include per option (a filter form's selects had about a hundred of them)."""

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Choose"), ("a", "A & B"), ("b", "“B”")], initial="b")
    grouped = forms.ChoiceField(choices=[("North", [("n1", "One"), ("n2", "Two")]), ("s", "South")], initial="n2")
    several = forms.MultipleChoiceField(choices=[(1, "1"), (2, "2"), (3, "3")], initial=[1, 3])
    flag = forms.NullBooleanField(initial=True)
    day = forms.DateField(widget=forms.SelectDateWidget(years=[2026, 2027]), initial="2027-02-03")


def test_select_renders_as_djangos_own():
    ours = Everything(renderer=TemplatesSetting())
    stock = Everything(renderer=DjangoTemplates())
    for name in ours.fields:
        mine, theirs = str(ours[name]), str(stock[name])
        assert "<option" in mine and mine == theirs, name
    assert str(ours["plain"]).count(" selected") == 1


def test_bound_values_are_selected_as_djangos_own():
    data = {"plain": "a", "grouped": "s", "several": ["2"], "flag": "false", "day_year": "2026"}
    ours = Everything(data, renderer=TemplatesSetting())
    stock = Everything(data, renderer=DjangoTemplates())
    for name in ours.fields:
        assert str(ours[name]) == str(stock[name]), name
