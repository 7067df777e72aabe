"""The PostgreSQL backend's health check (core/postgresql/base.py): a kept connection is
checked without a round trip while the server has said nothing, and a connection the
server dropped is found and opened again, so the request does not fail."""

import time

import pytest
from django.db import connections

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own():
    """A connection of its own, kept across requests and health-checked as the site's are."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict["CONN_MAX_AGE"] = 600
    wrapper.settings_dict["CONN_HEALTH_CHECKS"] = True
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _last_statement(pid: int) -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def _pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() AS health_check_probe")
        return cursor.fetchone()[0]


def test_the_backend_is_djangos_postgresql_with_its_own_health_check(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "core.postgresql"
    assert connections["default"].vendor == "postgresql"


def test_a_quiet_connection_is_usable_without_asking_the_server(own):
    pid = _pid(own)
    assert own.is_usable()
    own.health_check_done = False
    own.close_if_health_check_failed()
    assert own.connection is not None
    # Django's check would have sent SELECT 1; the server's last statement is still ours.
    assert "health_check_probe" in _last_statement(pid)


def test_a_connection_the_server_dropped_is_found_and_the_next_request_reconnects(own):
    pid = _pid(own)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not own.connection.closed:
        if not own.is_usable():
            break
        time.sleep(0.02)
    assert not own.is_usable()
    own.health_check_done = False  # a new request
    own.close_if_health_check_failed()
    assert own.connection is None
    assert _pid(own) != pid  # a new connection, no error raised
