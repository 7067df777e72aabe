"""The micro-cache in front of the public wall, pledge pages and counts."""

import pytest
from django.urls import reverse

from pledges import cache as microcache
from pledges import services

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
