"""|truncatechars cuts text as Django's filter does, and writes its ellipsis as &hellip; in
HTML (core/templatetags/truncate.py)."""

import pytest
from django.template import engines
from django.template.defaultfilters import truncatechars as django_truncatechars
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.templatetags.truncate import truncatechars


def _render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    "text",
    ["Fish & chips on Friday for the whole night team", "Short", "", "Caf\u00e9 \u201cquiet\u201d hour, every shift"],
)
@pytest.mark.parametrize("length", [1, 5, 10, 60])
def test_text_is_cut_where_djangos_filter_cuts_it(text, length):
    django = django_truncatechars(text, length)
    assert _render("{{ t|truncatechars:n }}", t=text, n=length) == escape(django).replace("\u2026", "&hellip;")
    assert _render("{% autoescape off %}{{ t|truncatechars:n }}{% endautoescape %}", t=text, n=length) == django


def test_pages_hold_the_ellipsis_as_a_character_reference():
    html = _render("<a>{{ t|truncatechars:12 }}</a>", t="I will <learn> the names of the porters")
    assert html == "<a>I will &lt;lea&hellip;</a>" and html.isascii()


def test_safe_text_is_not_escaped_twice_and_a_bad_length_leaves_the_text():
    assert truncatechars(mark_safe("<b>Fish</b> &amp; chips"), 10) == "<b>Fish</&hellip;"
    assert truncatechars("Fish & chips", "ten") == "Fish & chips"
