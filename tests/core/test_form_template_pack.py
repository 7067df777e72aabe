"""The crispy-forms template pack renders every kind of field in NHS.UK markup."""

import re

import pytest
from django import forms
from django.template import Context, Template


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As you would like it shown", max_length=80)
    colour = forms.ChoiceField(
        label="Favourite colour", choices=[("blue", "Blue"), ("green", "Green")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        label="Days you work", choices=[("mon", "Monday"), ("tue", "Tuesday")], widget=forms.CheckboxSelectMultiple
    )
    region = forms.ChoiceField(label="Region", choices=[("", "Choose"), ("london", "London")])
    story = forms.CharField(label="What happened", max_length=280, widget=forms.Textarea)
    statement = forms.CharField(label="Why", widget=forms.Textarea(attrs={"data-maxwords": "150"}))
    agree = forms.BooleanField(label="I agree", help_text="You must agree")


def render(form) -> str:
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def test_unbound_form_has_labels_hints_and_counts():
    html = render(EveryKindForm())
    assert '<label class="nhsuk-label" for="id_name">Your name</label>' in html
    assert '<div class="nhsuk-hint" id="id_name-hint">As you would like it shown</div>' in html
    assert 'aria-describedby="id_name-hint"' in html
    assert 'class="nhsuk-radios__input" id="id_colour_0" name="colour" type="radio" value="blue"' in html
    assert 'class="nhsuk-checkboxes__input" id="id_days_1" name="days" type="checkbox" value="tue"' in html
    assert '<select name="region" class="nhsuk-select"' in html
    assert 'data-module="nhsuk-character-count" data-maxlength="280"' in html
    assert "You can enter up to 280 characters" in html
    assert 'data-maxwords="150"' in html and "You can enter up to 150 words" in html
    # People may type past the limit and see the count, rather than being cut off.
    assert not re.search(r"<textarea[^>]*maxlength", html)
    assert "nhsuk-error-summary" not in html


def test_bound_form_with_errors_shows_summary_messages_and_keeps_values():
    form = EveryKindForm({"name": "<b>Sam</b>", "story": "x" * 300, "statement": "", "region": "nowhere"})
    assert not form.is_valid()
    html = render(form)
    summary = html.split('class="nhsuk-error-summary"')[1].split("</ul>")[0]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors == ["id_colour_0", "id_days_0", "id_region", "id_story", "id_statement", "id_agree"]
    assert html.count("nhsuk-form-group--error") == 6
    assert 'value="&lt;b&gt;Sam&lt;/b&gt;"' in html
    assert "x" * 300 in html
    assert 'class="nhsuk-textarea nhsuk-textarea--error nhsuk-js-character-count"' in html
    assert 'aria-describedby="id_story-error id_story-info"' in html
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>' in html


@pytest.mark.parametrize("choice", ["blue", "green"])
def test_chosen_radio_stays_chosen(choice):
    html = render(EveryKindForm({"colour": choice}))
    assert re.search(rf'value="{choice}" checked', html)


class BlankChoiceForm(forms.Form):
    # A model field with choices and no default gets Django's blank choice first.
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "---------"), ("me", "Just me"), ("team", "My team")], widget=forms.RadioSelect
    )


def test_error_summary_links_to_the_first_option_shown_when_a_blank_choice_is_skipped():
    form = BlankChoiceForm({})
    assert not form.is_valid()
    html = render(form)
    assert "---------" not in html
    first_id = re.search(r'class="nhsuk-radios__input" id="([^"]+)"', html).group(1)
    assert f'href="#{first_id}"' in html
    assert f'for="{first_id}"' in html
