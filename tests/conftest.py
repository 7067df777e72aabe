"""Shared fixtures: personas, service checks and a clean cache for each test.

Personas are the people the site is for: a supporter (makes pledges), an ambassador (a
Care Maker), a moderator, an organisation representative and an outsider (signed in,
with no role anywhere). Programme apps give the ambassador and representative their
records in their own fixtures as those features land.
"""

import pytest
from django.conf import settings

from tests import htmlcheck
from tests.factories import UserFactory


def pytest_report_header(config):
    lines = [
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
        f" ({'PostgreSQL answering' if settings.POSTGRES_AVAILABLE else 'PostgreSQL NOT answering'})",
        f"redis: {'answering' if settings.REDIS_AVAILABLE else 'NOT answering'}",
    ]
    if settings.REQUIRE_SERVICES:
        lines.append("REQUIRE_SERVICES=1: tests needing a missing service fail instead of skipping")
    reason = htmlcheck.unavailable_reason()
    lines.append(f"html checker: {'NOT available, pages are not validated: ' + reason if reason else 'vnu.jar'}")
    return lines


def pytest_collection_modifyitems(config, items):
    _restore_seeded_data_in_transactional_tests(items)
    if settings.REQUIRE_SERVICES:
        return
    skip_pg = pytest.mark.skip(reason="PostgreSQL is not answering (see make test output to start it)")
    skip_redis = pytest.mark.skip(reason="Redis is not answering (see make test output to start it)")
    for item in items:
        if "needs_postgres" in item.keywords and not settings.POSTGRES_AVAILABLE:
            item.add_marker(skip_pg)
        if "needs_redis" in item.keywords and not settings.REDIS_AVAILABLE:
            item.add_marker(skip_redis)


def _restore_seeded_data_in_transactional_tests(items):
    """A transactional test (browser journeys, concurrency, real workers) ends with a flush
    that also empties what data migrations seeded: staff groups, rejection reasons, themes,
    statements, milestone rules. Serialized rollback puts that data back at the start of each
    such test, so no test depends on running before one of them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        uses_live = {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ()))
        transactional = bool(marker and marker.kwargs.get("transaction")) or bool(uses_live)
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            # Replace rather than add: the closest marker is the item's first own one, so an
            # added marker would lose to a @pytest.mark.django_db(...) on the test itself.
            item.own_markers[:] = [m for m in item.own_markers if m.name != "django_db"]
            item.add_marker(pytest.mark.django_db(**kwargs))


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_for_every_connection(django_db_setup):
    """Django keeps the serialized seed data on the connection object it created the test
    database with. After Playwright's sync API has run, test code can get a different
    connection object (asgiref's per-context storage), without it, and the restore is then
    skipped. Keeping it on the connection class makes it reach every connection object."""
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        type(connection)._test_serialized_contents = contents
    yield
    if contents is not None and "_test_serialized_contents" in type(connection).__dict__:
        del type(connection)._test_serialized_contents


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and cached pages must not leak from one test into the next.

    Only this run's keys are removed (the prefix is per process), so test runs side by
    side on one Redis do not disturb each other.
    """
    from django.core.cache import cache, caches

    from core import fragments
    from pledges import cache as pledges_cache

    yield
    pledges_cache.clear_forms()
    fragments.clear()
    caches["local"].clear()
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture
def supporter(db):
    return UserFactory(email="supporter@example.org", display_name="Sam Supporter")


@pytest.fixture
def ambassador(db):
    return UserFactory(email="ambassador@example.org", display_name="Alex Ambassador")


@pytest.fixture
def moderator(db):
    return UserFactory(
        email="moderator@example.org", display_name="Morgan Moderator", is_staff=True, groups=["Moderators"]
    )


@pytest.fixture
def programme_admin(db):
    return UserFactory(
        email="programme.admin@example.org", display_name="Pat Admin", is_staff=True, groups=["Programme admins"]
    )


@pytest.fixture
def org_rep(db):
    return UserFactory(
        email="rep@oaklodge.example",
        display_name="Robin Rep",
        job_role="registered-manager",
        sector="adult-social-care",
    )


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", display_name="Olly Outsider")


@pytest.fixture
def pledge_form(db) -> dict:
    """A complete make-a-pledge form from someone without an account."""
    from pledges.models import Pledge, Theme

    return {
        "text": "I will learn more about dementia and share it with my team.",
        "theme": str(Theme.objects.get(slug="dementia").pk),
        "kind": Pledge.Kind.TEAM,
        "job_role": "care-worker",
        "sector": "adult-social-care",
        "region": "south-west",
        "organisation_name": "Oak Lodge",
        "show_name": Pledge.ShowName.ROLE_AND_AREA,
        "name": "Jo Bloggs",
        "email": "jo.bloggs@example.org",
        "consent": "on",
        "website": "",
    }
