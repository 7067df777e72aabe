"""{% extends %} finds the blocks of a page's root template once (core/templatetags/extends.py)
and otherwise behaves as Django's tag: blocks overridden, block.super, three levels."""

import pytest
from django.template import Context, Engine
from django.template.base import NodeList
from django.template.loader_tags import BlockNode

from core.templatetags.extends import KeptBlocksExtendsNode

TEMPLATES = {
    "root.html": "<title>{% block title %}Root{% endblock %}</title>"
    "<main>{% block content %}root content{% endblock %}</main>"
    "<footer>{% block footer %}{% if on %}on{% endif %} footer{% endblock %}</footer>",
    "section.html": "{% extends 'root.html' %}{% block title %}Section: {{ block.super }}{% endblock %}",
    "page.html": "{% extends 'section.html' %}{% block title %}{{ name }}, {{ block.super }}{% endblock %}"
    "{% block content %}{{ name }}'s page{% endblock %}",
    "other.html": "{% extends 'root.html' %}{% block content %}other{% endblock %}",
}


def _engine(*builtins):
    return Engine(
        loaders=[("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", TEMPLATES)])],
        builtins=list(builtins),
    )


@pytest.fixture
def walks(monkeypatch):
    """The node lists walked for their blocks, each time one was (nested ones included)."""
    seen = []
    original = NodeList.get_nodes_by_type

    def counted(self, nodetype):
        if nodetype is BlockNode:
            seen.append(self)
        return original(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted)
    return seen


def test_the_project_tag_replaces_djangos_in_every_template():
    from django.template import engines

    template = engines["django"].engine.from_string("{% extends 'base.html' %}")
    assert isinstance(template.nodelist[0], KeptBlocksExtendsNode)


@pytest.mark.parametrize(("name", "context"), [("page.html", {"name": "Asha", "on": True}), ("other.html", {})])
def test_pages_render_as_with_djangos_tag(name, context):
    kept, django = _engine("core.templatetags.extends"), _engine()
    assert isinstance(kept.get_template(name).nodelist[0], KeptBlocksExtendsNode)
    for _ in range(3):
        html = kept.get_template(name).render(Context(context))
        assert html == django.get_template(name).render(Context(context))
    assert kept.get_template("page.html").render(Context({"name": "Asha", "on": True})) == (
        "<title>Asha, Section: Root</title><main>Asha's page</main><footer>on footer</footer>"
    )


def test_the_root_is_walked_for_its_blocks_once(walks):
    for builtins, root_walks in ((["core.templatetags.extends"], 1), ([], 10)):
        engine = _engine(*builtins)
        for name in ("page.html", "other.html", "root.html"):
            engine.get_template(name)  # parsed: each template's own blocks are found here
        root = engine.get_template("root.html").nodelist
        walks.clear()
        for _ in range(5):
            engine.get_template("page.html").render(Context({"name": "Asha"}))
            engine.get_template("other.html").render(Context({}))
        # Once, on the first render, against Django's tag's every render of either page.
        assert sum(walked is root for walked in walks) == root_walks
