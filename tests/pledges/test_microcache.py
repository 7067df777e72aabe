"""The micro-cache in front of the public wall, pledge pages and counts."""

import pytest
from django.urls import reverse

from core.csrf import SLOT
from pledges import cache as form_cache
from pledges import microcache, services

from .factories import PledgeFactory


@pytest.fixture(autouse=True)
def empty_microcache():
    microcache._pages.clear()
    microcache._version_seen = (0.0, None)
    yield
    microcache._pages.clear()
    microcache._version_seen = (0.0, None)


@pytest.fixture
def published(campaign, theme):
    return PledgeFactory(campaign=campaign, theme=theme, text="I will learn every porter's name.")


def test_a_second_anonymous_view_of_the_wall_runs_no_queries(client, published, django_assert_num_queries):
    first = client.get(reverse("pledges:index"))
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(reverse("pledges:index"))
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_different_query_strings_are_cached_apart(client, published):
    client.get(reverse("pledges:index"))
    searched = client.get(reverse("pledges:index") + "?q=zebra")
    assert "learn every porter" not in searched.content.decode()


def test_a_confirmed_pledge_shows_on_the_cached_wall_at_once(
    client, campaign, theme, service_data, django_capture_on_commit_callbacks
):
    client.get(reverse("pledges:index"))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.pledge_submit(campaign=campaign, data=service_data)
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_confirm(pledge_id=result.pledge.pk)
    page = client.get(reverse("pledges:index")).content.decode()
    assert "learn more about dementia" in page
    counts = client.get(reverse("pledges:counts")).json()
    assert counts["pledges"] == 1


def test_a_withdrawn_pledge_leaves_its_cached_page_at_once(client, published, django_capture_on_commit_callbacks):
    assert client.get(published.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_withdraw(pledge=published)
    assert client.get(published.get_absolute_url()).status_code == 404


def test_marking_done_refreshes_the_cached_pledge_page(client, published, django_capture_on_commit_callbacks):
    before = client.get(published.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_mark_done(pledge=published, story="We did it on every shift.")
    after = client.get(published.get_absolute_url()).content.decode()
    assert "We did it on every shift." not in before
    assert "We did it on every shift." in after


def test_signed_in_people_are_never_served_a_cached_page(client, supporter, published, django_assert_num_queries):
    client.get(reverse("pledges:index"))  # an anonymous copy is now cached
    client.force_login(supporter)
    page = client.get(reverse("pledges:index")).content.decode()
    assert "Sign out" in page
    assert microcache._pages  # the anonymous copy is still there, just not for them


def test_a_response_that_sets_a_cookie_is_not_kept(rf, published):
    def view(request):
        from django.http import HttpResponse

        response = HttpResponse("hello")
        response.set_cookie("x", "1")
        return response

    microcache.public_microcache(view)(rf.get("/x"))
    assert not microcache._pages


def test_a_broken_shared_cache_serves_the_page_uncached(client, published, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(microcache.cache, "get", down)
    response = client.get(reverse("pledges:index"))
    assert response.status_code == 200
    assert not microcache._pages


def test_the_version_is_read_from_the_shared_cache_at_most_once_a_second(rf, published, settings, monkeypatch):
    settings.PLEDGES_MICROCACHE_VERSION_TTL = 1.0
    microcache.cache.set(microcache.VERSION_KEY, 7, None)
    reads = []
    real_get = microcache.cache.get
    monkeypatch.setattr(microcache.cache, "get", lambda *a, **k: reads.append(a) or real_get(*a, **k))
    assert [microcache._version() for _ in range(3)] == [7, 7, 7]
    assert len(reads) == 1


def test_a_change_in_this_process_is_seen_here_at_once_even_with_the_version_held(
    client, published, settings, django_capture_on_commit_callbacks
):
    settings.PLEDGES_MICROCACHE_VERSION_TTL = 60.0
    assert client.get(published.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_withdraw(pledge=published)
    assert client.get(published.get_absolute_url()).status_code == 404


# --- The blank pledge form, kept with a placeholder for each person's CSRF token ---------


def _token(html: str) -> str:
    import re

    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_blank_form_is_rendered_once_and_each_person_gets_their_own_token(campaign, form_data):
    from django.test import Client

    new = reverse("pledges:new")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html_1 = first.get(new).content.decode()
    assert list(form_cache._forms)  # kept
    html_2 = second.get(new).content.decode()
    token_1, token_2 = _token(html_1), _token(html_2)
    assert SLOT not in html_1 + html_2
    assert token_1 != token_2
    assert html_1.replace(token_1, "T") == html_2.replace(token_2, "T")
    # Each token works with its own person's cookie, and only with it.
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    response = second.post(new, {**form_data, "csrfmiddlewaretoken": token_2})
    assert response.status_code == 302 and response["Location"] == reverse("pledges:check")
    third = Client(enforce_csrf_checks=True)
    third.get(new)
    assert third.post(new, {**form_data, "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_a_draft_or_a_signed_in_person_never_gets_the_kept_blank_form(client, campaign, form_data, supporter):
    new = reverse("pledges:new")
    client.get(new)  # fills the kept copy
    client.post(new, {**form_data, "text": "x"})  # too short: errors, and the draft is kept
    html = client.get(new).content.decode()
    assert "Oak Lodge" in html and "Jo.Bloggs+cp@gmail.com" in html
    from django.test import Client

    supporter.job_role = "porter"
    supporter.save()
    signed_in = Client()
    signed_in.force_login(supporter)
    html = signed_in.get(new).content.decode()
    assert '<option value="porter" selected>' in html
    assert "You do not need an account" not in html


def test_a_new_theme_reaches_the_kept_form_after_its_minute(client, campaign, monkeypatch):
    from pledges.models import Theme

    new = reverse("pledges:new")
    client.get(new)
    Theme.objects.create(slug="night-shifts", name="Night shifts", position=99)
    assert "Night shifts" not in client.get(new).content.decode()
    later = form_cache.time.monotonic() + form_cache.FORM_TTL + 1
    monkeypatch.setattr(form_cache.time, "monotonic", lambda: later)
    assert "Night shifts" in client.get(new).content.decode()


# --- The plain path: a kept page is the page the view renders -------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("pledges:index"),
        reverse("pledges:index") + "?q=porter",
        reverse("pledges:index") + "?theme=dementia&region=london",
        reverse("pledges:counts"),
        "published",  # the pledge's own page
    ],
)
def test_a_kept_page_is_byte_for_byte_the_page_the_view_renders(
    client, published, settings, url, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = published.get_absolute_url() if url == "published" else url
    client.get(url)  # rendered, and kept
    with django_assert_num_queries(0):
        kept = client.get(url)  # from the micro-cache
    settings.PLEDGES_MICROCACHE_ENABLED = False
    with CaptureQueriesContext(connection) as rendered:
        plain = client.get(url)
    assert rendered.captured_queries  # rendered again, not kept
    assert kept.status_code == plain.status_code == 200
    assert kept.content == plain.content
    for header in ("Content-Type", "Access-Control-Allow-Origin", "Cache-Control"):
        assert kept.get(header) == plain.get(header)


def test_with_the_micro_cache_off_nothing_is_kept(client, published, settings):
    settings.PLEDGES_MICROCACHE_ENABLED = False
    client.get(reverse("pledges:index"))
    assert not microcache._pages


def test_the_current_campaign_is_kept_a_few_seconds_per_process(campaign, settings, django_assert_num_queries):
    from pledges import cache
    from pledges.selectors import current_campaign

    settings.PLEDGES_CAMPAIGN_TTL = 5
    cache.clear_forms()
    with django_assert_num_queries(1):
        first = current_campaign()
        second = current_campaign()
    assert first == second == campaign
    second.name = "Changed by a caller"
    assert current_campaign().name == "Change Day 2027"  # each caller has its own copy
    cache.clear_forms()
    with django_assert_num_queries(1):
        current_campaign()


def test_campaigns_and_themes_are_kept_a_few_seconds_per_process(campaign, settings, django_assert_num_queries):
    from pledges import cache
    from pledges.selectors import wall_choices

    settings.PLEDGES_CAMPAIGN_TTL = 5
    cache.clear_forms()
    with django_assert_num_queries(2):
        campaigns, themes = wall_choices()
        again, _ = wall_choices()
    assert campaigns == again == [campaign] and themes
    again[0].name = "Changed by a caller"
    again[0]._state.fields_cache["by_a_caller"] = themes[0]
    mine = wall_choices()[0][0]
    assert mine.name == "Change Day 2027"  # each caller has its own copies
    assert mine._state.fields_cache == {} and not mine._state.adding and mine._state.db == "default"
    cache.clear_forms()
    with django_assert_num_queries(2):
        wall_choices()


def test_the_kept_blank_form_is_the_page_the_plain_path_renders(client, campaign, monkeypatch):
    import re

    from pledges import views

    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    form_cache.clear_forms()
    client.get(reverse("pledges:new"))  # rendered and kept
    kept = client.get(reverse("pledges:new")).content.decode()  # served from what was kept
    monkeypatch.setattr(views, "_blank_form_for_anyone", lambda request, draft: False)
    plain = client.get(reverse("pledges:new")).content.decode()
    assert token.search(kept) and SLOT not in kept
    assert token.sub("TOKEN", kept) == token.sub("TOKEN", plain)
