"""core.urls.reverse and the {% url %} builtin give exactly Django's answers."""

import ast
from pathlib import Path

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, get_resolver
from django.urls import reverse as django_reverse

from core import urls as kept_urls
from core.templatetags.urls import KeptURLNode

ROOT = Path(__file__).resolve().parents[2]


def named_patterns():
    """(name, args) for every named pattern the site has, with arguments that fit it."""
    found = []
    for name in get_resolver().reverse_dict:
        if not isinstance(name, str):
            continue
        found.append(name)
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        for name in resolver.reverse_dict:
            if isinstance(name, str):
                found.append(f"{namespace}:{name}")
    return sorted(set(found))


def arguments_for(name: str) -> list:
    for args in (
        [],
        [7],
        ["a-slug"],
        [7, 7],
        ["a-slug", 7],
        [7, "a-slug"],
        ["word"],
        ["6f1c4c36-2b4e-4e0e-9a55-3b0c3a1f0a11"],
        ["a-slug", "a-slug"],
    ):
        try:
            return [args, django_reverse(name, args=args)]
        except NoReverseMatch:
            continue
    return [None, None]


def test_every_named_pattern_gives_the_same_address_both_ways():
    names = named_patterns()
    assert len(names) > 100
    checked = 0
    for name in names:
        args, expected = arguments_for(name)
        if args is None:
            continue
        assert kept_urls.reverse(name, args=args) == expected, name
        assert kept_urls.reverse(name, args=args) == expected, name  # and when kept
        checked += 1
    assert checked > 100


def test_kwargs_and_unplain_arguments():
    pledge_url = django_reverse("pledges:detail", kwargs={"pk": 12})
    assert kept_urls.reverse("pledges:detail", kwargs={"pk": 12}) == pledge_url

    class Thing:
        def __str__(self):
            return "12"

    # Not plain: worked out by Django each time, never kept.
    kept_urls.clear()
    assert kept_urls.reverse("pledges:detail", args=[Thing()]) == pledge_url
    assert kept_urls._kept.cache_info().currsize == 0
    with pytest.raises(NoReverseMatch):
        kept_urls.reverse("pledges:no-such-page")


def test_a_new_urlconf_is_not_answered_from_the_old_one(settings):
    kept_urls.reverse("home")
    with override_settings(ROOT_URLCONF="tests.core.urls_elsewhere"):
        assert kept_urls.reverse("home") == "/elsewhere/"
    assert kept_urls.reverse("home") == "/"


@pytest.mark.django_db
def test_the_url_tag_is_the_kept_one_and_renders_as_django_does(rf):
    template = engines["django"].from_string(
        "{% url 'pledges:detail' 5 %}|{% url 'pledges:detail' pk=6 as there %}{{ there }}|"
        "{% url 'pledges:missing' as nothing %}[{{ nothing }}]|{% url 'pledges:index' %}?a=1&b=2"
    )
    assert isinstance(template.template.nodelist[0], KeptURLNode)
    assert template.render({}, rf.get("/")) == "/pledges/5/|/pledges/6/|[]|/pledges/?a=1&amp;b=2".replace("&amp;", "&")


@pytest.mark.django_db
def test_the_url_tag_keeps_its_addresses(rf):
    """Template literals resolve to SafeString: they are plain, and kept like any str."""
    template = engines["django"].from_string(
        "{% url 'pledges:detail' 5 %}{% url 'home' %}{% url 'pledges:detail' '7' %}"
    )
    kept_urls.clear()
    assert template.render({}, rf.get("/")) == "/pledges/5///pledges/7/"
    assert template.render({}, rf.get("/")) == "/pledges/5///pledges/7/"
    info = kept_urls._kept.cache_info()
    assert (info.misses, info.hits) == (3, 3)


def test_a_bool_is_not_kept_as_the_int_it_equals():
    kept_urls.clear()
    assert kept_urls.reverse("pledges:detail", args=[1]) == "/pledges/1/"
    with pytest.raises(NoReverseMatch):
        kept_urls.reverse("pledges:detail", args=[True])


def test_app_code_reverses_through_core_urls():
    """One way to reverse: app code imports core.urls.reverse, never Django's directly."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "node_modules", "tests", "scripts") or path == ROOT / "core" / "urls.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            imports = isinstance(node, ast.ImportFrom) and node.module == "django.urls"
            if imports and any(alias.name == "reverse" for alias in node.names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
