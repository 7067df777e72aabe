"""core.forms.FilterForm: fields made once per set of choices and shared, behaving as before."""

import pytest
from django.http import QueryDict

from ambassadors.forms import DirectoryFilterForm
from core import forms as core_forms
from organisations.forms import DirectoryForm
from pledges.forms import WallFilterForm


class Theme:
    def __init__(self, slug, name):
        self.slug, self.name = slug, name


THEMES = [Theme("dementia", "Dementia"), Theme("end-of-life", "End of life care")]


def test_instances_share_their_fields_but_not_the_class_fields():
    one = WallFilterForm({"theme": "dementia"}, themes=THEMES)
    two = WallFilterForm(themes=THEMES)
    assert one.fields["theme"] is two.fields["theme"]
    assert one.fields["theme"] is not WallFilterForm.base_fields["theme"]
    assert not WallFilterForm.base_fields["theme"].choices  # the class is never changed
    assert two["theme"].value() is None  # what was given stays with its own form


def test_other_choices_get_their_own_fields():
    one = WallFilterForm(themes=THEMES)
    other = WallFilterForm(themes=[*THEMES, Theme("sepsis", "Sepsis")])
    assert one.fields["theme"] is not other.fields["theme"]
    assert list(one.fields["theme"].choices) == [
        ("", "All themes"),
        ("dementia", "Dementia"),
        ("end-of-life", "End of life care"),
    ]
    assert ("sepsis", "Sepsis") in other.fields["theme"].choices


def test_values_are_checked_against_the_choices_as_before():
    form = WallFilterForm({"theme": "sepsis", "region": "london", "q": "tea"}, themes=THEMES)
    assert form.filters() == {"region": "london", "q": "tea"}  # an unknown theme is ignored
    form = WallFilterForm({"theme": "dementia"}, themes=THEMES)
    assert form.filters() == {"theme": "dementia"}


def test_prepare_fields_runs_once_and_forms_without_choices_share_too():
    one, two = DirectoryFilterForm({"region": "london"}), DirectoryFilterForm()
    assert one.fields is not two.fields  # each form has its own dict...
    assert one.fields["region"] is two.fields["region"]  # ...of the same fields
    assert one.fields["region"].widget.attrs["class"] == "nhsuk-u-width-full"
    assert "class" not in DirectoryFilterForm.base_fields["region"].widget.attrs
    assert DirectoryForm().fields["q"] is DirectoryForm({"q": "Oak"}).fields["q"]


def test_the_selects_key_follows_the_choices_and_the_values():
    plain = WallFilterForm(themes=THEMES)
    assert plain.selects_key() == WallFilterForm(themes=THEMES).selects_key()
    assert plain.selects_key() != WallFilterForm({"theme": "dementia"}, themes=THEMES).selects_key()
    assert plain.selects_key() != WallFilterForm(themes=[*THEMES, Theme("sepsis", "Sepsis")]).selects_key()
    assert [field.name for field in plain.selects()] == ["theme", "role", "sector", "region", "kind", "campaign"]


def test_only_a_query_of_the_forms_own_choices_is_chosen_only():
    assert DirectoryFilterForm({}).chosen_only()
    assert DirectoryFilterForm({"region": "london", "role": "", "page": "3"}).chosen_only()
    assert not DirectoryFilterForm({"region": "nowhere"}).chosen_only()  # not a choice
    assert not DirectoryFilterForm({"region": "london", "utm": "x"}).chosen_only()  # unknown
    assert not DirectoryFilterForm(QueryDict("region=london&region=london")).chosen_only()  # twice
    assert DirectoryForm({"region": "london", "q": ""}).chosen_only()
    assert not DirectoryForm({"q": "Oak"}).chosen_only()  # a search: typed, without bound
    assert DirectoryForm(None).chosen_only()  # no query at all


def test_the_kept_sets_are_bounded(monkeypatch):
    monkeypatch.setattr(core_forms, "SHARED_KEPT", 3)
    core_forms._shared.clear()
    for n in range(10):
        WallFilterForm(themes=[Theme(f"t{n}", f"Theme {n}")])
    assert len(core_forms._shared) <= 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/pledges/?theme=dementia&q=tea",
        "/care-makers/directory/?region=london",
        "/social-care-commitment/organisations/?q=Oak",
        "/pledges/impact/?reach=team&q=tea",
    ],
)
def test_pages_leave_the_shared_fields_as_they_found_them(client, path):
    """The rule: nothing changes a SharedFieldsForm's fields after __init__ (a change would
    show on every later page of the process)."""

    def snapshot():
        return {
            key: {
                name: (
                    # (A model choice's value is an object shown by its id: compared as text.)
                    repr([(str(value), str(label)) for value, label in field.choices])
                    if hasattr(field, "choices")
                    else "",
                    dict(field.widget.attrs),
                    field.required,
                )
                for name, field in fields.items()
            }
            for key, fields in core_forms._shared.items()
        }

    assert client.get(path).status_code == 200
    before = snapshot()
    assert before
    assert client.get(path + "&region=north-east").status_code == 200
    assert {key: value for key, value in snapshot().items() if key in before} == before


def test_selects_are_keyed_only_when_each_holds_a_choice_or_nothing():
    assert WallFilterForm(themes=THEMES).selects_key() is not None
    typed = WallFilterForm({"q": "anything typed", "region": "london", "r": "7"}, themes=THEMES)
    assert typed.selects_key() == WallFilterForm({"region": "london"}, themes=THEMES).selects_key() is not None
    assert WallFilterForm({"region": "nowhere"}, themes=THEMES).selects_key() is None
    assert WallFilterForm({"theme": "dementia", "region": "nowhere"}, themes=THEMES).selects_key() is None


def test_the_selects_key_is_the_same_with_the_form_and_without_it():
    data = QueryDict("theme=dementia&region=north-east&region=london&q=night")
    form = WallFilterForm(data, themes=THEMES)
    choices = {field.name: field.field.choices for field in form.selects()}
    assert WallFilterForm.selects_key_of(choices, data) == form.selects_key()
    assert (
        form.selects_key()[2][form.selects().index(form["region"])] == "london"
    )  # the last given, as the form reads it


def test_the_selects_choices_are_checked_once_for_each_set_of_fields(monkeypatch):
    from core import fragments

    one = WallFilterForm(themes=THEMES).selects_key()
    walked = []
    original = fragments._value
    monkeypatch.setattr(fragments, "_value", lambda value: walked.append(value) or original(value))
    two = WallFilterForm({"region": "london"}, themes=THEMES).selects_key()
    assert two[1] is one[1] and type(one[1]) is fragments.Vetted and walked == []
    assert fragments.render_part_kept(("test", "selects"), (two,), lambda: "drawn") == "drawn"
    # The key and its parts are walked, but not the choices inside its vetted part.
    assert any(value is one[1] for value in walked)
    assert not {id(choice) for choice in one[1]} & {id(value) for value in walked}
    other = WallFilterForm(themes=[*THEMES, Theme("sepsis", "Sepsis")]).selects_key()
    assert other[1] != one[1]


def test_the_pledge_form_shares_its_fields_per_variant():
    from types import SimpleNamespace

    from django.urls import reverse

    from pledges.forms import PledgeForm

    signed_in = SimpleNamespace(is_authenticated=True)
    plain, again = PledgeForm(), PledgeForm({"name": "Sam"})
    mine, join = PledgeForm(user=signed_in), PledgeForm(join=True)
    assert plain.fields["name"] is again.fields["name"]
    assert {"email", "consent"} <= plain.fields.keys() and not {"email", "consent"} & mine.fields.keys()
    assert plain.fields["name"].required and not mine.fields["name"].required
    assert "text" not in join.fields and join.fields["kind"].label == "Who are you making this pledge for?"
    assert plain.fields["kind"].label == "Who is this pledge for?"
    assert f'href="{reverse("privacy")}"' in plain.fields["consent"].help_text
    assert PledgeForm.base_fields["name"].required and "email" in PledgeForm.base_fields
    del again.fields["theme"]  # an instance's own dict
    assert "theme" in PledgeForm().fields
