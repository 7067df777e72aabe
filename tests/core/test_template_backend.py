"""Templates render through core/template_backend.py: a page's context, and what the view
put in it, is freed when the page is drawn, not at the garbage collector's next pass."""

import gc
import weakref

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory


class Held:
    """Something a view puts in a page's context."""

    name = "held"


@pytest.fixture
def no_collector():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_the_engine_is_the_project_one_under_djangos_name():
    from core.template_backend import DjangoTemplates

    assert isinstance(engines["django"], DjangoTemplates)


def test_a_page_context_is_freed_as_soon_as_the_page_is_drawn(no_collector):
    held = Held()
    seen = weakref.ref(held)
    request = RequestFactory().get("/")
    html = engines["django"].from_string("{{ held.name }}").render({"held": held}, request)
    assert html == "held"
    del held
    assert seen() is None  # no cycle kept it for the collector


def test_rendering_still_says_which_template_is_missing():
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist, match="no/such/page.html"):
        render_to_string("no/such/page.html")
