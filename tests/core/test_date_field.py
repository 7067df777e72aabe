"""The NHS.UK date input shared by every form: three boxes, NHS.UK messages, what was typed kept."""

from datetime import date

import pytest
from django import forms
from django.template.loader import render_to_string

from core.forms import DateField

TODAY = date(2026, 11, 29)


class TargetForm(forms.Form):
    target = DateField(label="Target date", future=True, today=TODAY)


def post(day, month, year):
    return TargetForm({"target_day": day, "target_month": month, "target_year": year})


def test_a_real_future_date_is_a_date():
    form = post("3", "02", "2027")
    assert form.is_valid()
    assert form.cleaned_data["target"] == date(2027, 2, 3)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("30", "2", "2027", "Target date must be a real date"),
        ("1", "13", "2027", "Target date must be a real date"),
        ("x", "1", "2027", "Target date must be a real date"),
        ("1", "1", "27", "Target date must be a real date"),
        ("", "1", "2027", "Target date must include a day"),
        ("", "", "", "Enter the target date"),
        ("29", "11", "2026", "Target date must be in the future"),
        ("1", "1", "2020", "Target date must be in the future"),
    ],
)
def test_bad_dates_get_the_nhs_message(day, month, year, message):
    form = post(day, month, year)
    assert not form.is_valid()
    assert form.errors["target"] == [message]


def test_the_page_shows_three_labelled_boxes_with_what_was_typed_and_the_error():
    form = post("31", "2", "2027")
    form.is_valid()
    html = render_to_string("nhsuk/field.html", {"field": form["target"]})
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Target date</legend>' in html
    assert 'aria-describedby="id_target-error"' in html
    for part, label, typed in (("day", "Day", "31"), ("month", "Month", "2"), ("year", "Year", "2027")):
        assert f'<label class="nhsuk-label nhsuk-date-input__label" for="id_target_{part}">{label}</label>' in html
        assert f'id="id_target_{part}" name="target_{part}" type="text" inputmode="numeric"' in html
        assert f'value="{typed}"' in html
    assert html.count("nhsuk-input--error") == 3
    assert 'type="date"' not in html


def test_an_initial_date_fills_the_boxes():
    html = render_to_string("nhsuk/field.html", {"field": TargetForm(initial={"target": "2027-03-04"})["target"]})
    assert 'name="target_day" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" value="4"' in html
    assert 'value="2027"' in html
