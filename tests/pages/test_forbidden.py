"""The one 403 page (handler403): the reason a loader gave, a next step, sign-in when signed out."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from pages.views import permission_denied

pytestmark = pytest.mark.django_db


def _page(user, exception) -> tuple[int, str]:
    request = RequestFactory().get("/somewhere/private/?x=1")
    request.user = user
    response = permission_denied(request, exception)
    return response.status_code, response.content.decode()


def test_the_reason_and_next_step_are_shown_escaped(supporter):
    status, html = _page(supporter, PermissionDenied("Only <b>staff</b> can do this.", ("Ask a lead", "/leads/")))
    assert status == 403
    assert "Only &lt;b&gt;staff&lt;/b&gt; can do this." in html
    assert '<a href="/leads/">Ask a lead</a>' in html
    assert "Sign in" not in html.split("<main", 1)[1]


def test_a_bare_refusal_gets_the_general_words(supporter):
    status, html = _page(supporter, PermissionDenied())
    assert status == 403
    assert "Your account does not have permission to see this page." in html
    assert "contact us" in html


def test_someone_signed_out_is_offered_sign_in_back_to_the_page():
    status, html = _page(AnonymousUser(), PermissionDenied())
    assert status == 403
    assert 'href="/account/login/?next=/somewhere/private/%3Fx%3D1">Sign in</a>' in html


def test_handler403_is_the_one_page(client, supporter):
    from config import urls

    assert urls.handler403 == "pages.views.permission_denied"
    client.force_login(supporter)
    response = client.get("/dashboard/")  # programme admins only
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
