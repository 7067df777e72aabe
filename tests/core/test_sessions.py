"""core.sessions: database sessions whose own commits do not wait for the WAL flush."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.sessions import SessionStore


@pytest.mark.django_db(transaction=True)
@pytest.mark.needs_postgres
def test_a_session_write_is_its_own_transaction_without_a_synchronous_commit():
    store = SessionStore()
    store["pledge_draft"] = {"text": "I will learn Makaton"}
    with CaptureQueriesContext(connection) as queries:
        store.save(must_create=True)
    sql = [q["sql"] for q in queries.captured_queries]
    assert "SET LOCAL synchronous_commit TO OFF" in sql
    assert sql.index("SET LOCAL synchronous_commit TO OFF") < next(i for i, s in enumerate(sql) if "INSERT" in s)
    # It went no further than its own transaction.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert SessionStore(store.session_key)["pledge_draft"] == {"text": "I will learn Makaton"}
    store["pledge_draft"] = {"text": "I will learn Makaton signs"}
    store.save()
    assert Session.objects.count() == 1
    assert SessionStore(store.session_key)["pledge_draft"]["text"] == "I will learn Makaton signs"


@pytest.mark.django_db
def test_inside_a_wider_transaction_a_session_write_leaves_its_settings_alone():
    store = SessionStore()
    store["x"] = 1
    with CaptureQueriesContext(connection) as queries:
        store.create()
    assert not any("synchronous_commit" in q["sql"] for q in queries.captured_queries)
    assert SessionStore(store.session_key)["x"] == 1
