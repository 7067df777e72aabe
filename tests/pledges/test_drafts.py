"""The draft and the outcome of a signed-out pledge live in signed cookies, not a session."""

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

from pledges import drafts
from pledges.models import Pledge, Theme

NEW = reverse("pledges:new")
CHECK = reverse("pledges:check")
SENT = reverse("pledges:sent")


def test_a_signed_out_pledge_is_made_without_a_session(client, campaign, form_data):
    client.post(NEW, form_data)
    assert drafts.DRAFT_COOKIE in client.cookies
    assert "Jo Bloggs" in client.get(CHECK).content.decode()
    response = client.post(CHECK)
    assert response.status_code == 302 and response["Location"] == SENT
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert Pledge.objects.get().email == "Jo.Bloggs+cp@gmail.com"
    # The draft is gone once sent; the outcome tells "sent" what to say.
    assert client.cookies[drafts.DRAFT_COOKIE].value == ""
    assert "We have sent you a link to confirm your pledge" in client.get(SENT).content.decode()


def test_the_draft_cookie_is_signed_so_an_altered_one_is_ignored(client, campaign, form_data):
    client.post(NEW, form_data)
    kept = signing.loads(client.cookies[drafts.DRAFT_COOKIE].value, salt=f"{drafts._SALT}.{drafts.DRAFT_COOKIE}")
    kept["cleaned"]["email"] = "someone.else@example.org"
    client.cookies[drafts.DRAFT_COOKIE] = signing.dumps(kept, salt="not-ours", compress=True)
    assert client.post(CHECK)["Location"] == NEW
    assert not Pledge.objects.exists()


def test_the_cookie_is_kept_from_other_sites_scripts(client, campaign, form_data):
    client.post(NEW, form_data)
    cookie = client.cookies[drafts.DRAFT_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/pledges/"


def test_a_theme_retired_after_the_form_sends_her_back_to_it(client, campaign, form_data):
    client.post(NEW, form_data)
    Theme.objects.filter(pk=form_data["theme"]).update(is_active=False)
    assert client.post(CHECK)["Location"] == NEW
    assert not Pledge.objects.exists()


def test_an_old_checked_draft_is_checked_again(client, campaign, form_data, monkeypatch):
    client.post(NEW, form_data)
    monkeypatch.setattr(drafts, "CHECKED_MAX_AGE", -1)
    # Checked again through the form, and still valid: sent.
    assert client.post(CHECK)["Location"] == SENT
    assert Pledge.objects.count() == 1


def test_a_draft_too_big_for_a_cookie_is_kept_in_the_session(client, campaign, form_data):
    # Far beyond the limit (and not repetitive, so it does not compress): an error, and
    # everything typed is kept.
    huge = " ".join(secrets.token_hex(4) for _ in range(600))
    response = client.post(NEW, {**form_data, "text": huge})
    assert "Your pledge must be 280 characters or fewer" in response.content.decode()
    assert drafts.DRAFT_COOKIE not in client.cookies
    assert huge.strip() in client.get(NEW).content.decode()


def test_pages_showing_the_draft_or_its_outcome_are_private(client, campaign, form_data):
    client.post(NEW, form_data)
    for response in (client.get(CHECK), client.get(NEW)):
        assert form_data["email"] in response.content.decode()
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    client.post(CHECK)
    assert set(client.get(SENT)["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_the_checked_theme_comes_from_the_kept_lists(campaign, settings, django_assert_num_queries):
    from pledges import cache
    from pledges.selectors import active_theme, wall_choices

    settings.PLEDGES_CAMPAIGN_TTL = 5
    cache.clear_forms()
    themes = wall_choices()[1]
    with django_assert_num_queries(0):
        assert active_theme(themes[0].pk) == themes[0]
        assert active_theme("7") is None and active_theme(None) is None
    newer = Theme.objects.create(name="Sepsis", slug="sepsis")
    with django_assert_num_queries(1):  # added since the lists were read: read once from the database
        assert active_theme(newer.pk) == newer
    Theme.objects.filter(pk=newer.pk).update(is_active=False)
    assert active_theme(newer.pk) is None
    cache.clear_forms()
