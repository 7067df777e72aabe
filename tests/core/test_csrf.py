"""The CSRF token pages carry (core/csrf.py): Django's secret masked as Django masks it, with
a mask drawn evenly from one read of the random source, and checked by Django's middleware."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import Client, RequestFactory
from django.urls import reverse

from core import csrf
from tests.factories import UserFactory

SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_masked_token_unmasks_to_its_secret_with_a_new_mask_each_time():
    tokens = {csrf.masked(SECRET) for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == SECRET


def test_each_mask_character_is_drawn_evenly_from_the_62():
    """A plain byte % 62 would give the first 8 characters 5 chances in 256 against 4: a
    quarter more often, which 640,000 draws show plainly."""
    counts = Counter(char for _ in range(20_000) for char in csrf.masked(SECRET)[:32])
    expected = 20_000 * 32 / 62
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert all(abs(count - expected) < 0.05 * expected for count in counts.values()), counts.most_common(10)


def test_the_token_renews_the_cookie_and_without_a_cookie_django_makes_the_secret():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = SECRET
    assert _unmask_cipher_token(csrf.get_token(request)) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True

    fresh = RequestFactory().get("/")
    token = csrf.get_token(fresh)
    assert len(fresh.META["CSRF_COOKIE"]) == 32 and fresh.META["CSRF_COOKIE"] != SECRET
    assert _unmask_cipher_token(token) == fresh.META["CSRF_COOKIE"]


@pytest.mark.django_db
def test_pages_carry_it_and_django_accepts_it_from_the_form(monkeypatch):
    masked = []
    monkeypatch.setattr(csrf, "masked", lambda secret, mask=csrf.masked: masked.append(mask(secret)) or masked[-1])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(email="someone@example.org"))
    first = browser.get(reverse("pledges:index"))
    secret = browser.cookies["csrftoken"].value
    tokens = [TOKEN.search(browser.get(reverse("pledges:index")).content.decode()).group(1) for _ in range(2)]
    assert tokens[0] != tokens[1] and {_unmask_cipher_token(t) for t in tokens} == {secret}
    assert tokens == masked[-2:]  # this module's token, not Django's
    assert first.status_code == 200
    assert browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert "_auth_user_id" not in browser.session
