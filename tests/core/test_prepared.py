"""Kept queries as PostgreSQL prepared statements (core/prepared.py): the same pages with
them and without, prepared once per connection, and sent as text when they cannot be."""

import pytest
from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import prepared
from core.queries import kept_query
from pledges import microcache
from pledges.models import Pledge
from tests.ambassadors.factories import CareMakerFactory
from tests.organisations.factories import make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.needs_postgres


def test_placeholders_are_numbered_and_a_literal_percent_is_kept():
    sql = "SELECT 1 WHERE a LIKE 'x%%' AND b = %s AND c IN (%s, %s)"
    assert prepared._written_in(sql, {}) == "SELECT 1 WHERE a LIKE 'x%' AND b = $1 AND c IN ($2, $3)"
    assert prepared._placeholders(sql) == 3
    assert prepared._written_in(sql, {1: "'held'"}) == "SELECT 1 WHERE a LIKE 'x%' AND b = $1 AND c IN ('held', $2)"


def names_prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def site(db, settings):
    settings.PLEDGES_MICROCACHE_ENABLED = False
    microcache._pages.clear()
    campaign = CampaignFactory(is_current=True)
    pledges = [PledgeFactory(campaign=campaign, text=f"I will learn the name of porter {n}") for n in range(3)]
    for n in range(2):
        CareMakerFactory(display_name=f"Care Maker {n}")
    oak = make_organisation(name="Oak Lodge Care Home")
    return [
        pledges[0].get_absolute_url(),
        reverse("pledges:index"),
        reverse("pledges:index") + "?q=porter",
        reverse("pledges:impact"),
        reverse("ambassadors:directory"),
        reverse("organisations:directory"),
        oak.get_absolute_url(),
        reverse("organisations:impact"),
    ]


def test_pages_are_the_same_prepared_and_the_statements_are_executed_by_name(client, site, settings):
    settings.CORE_QUERIES_PREPARED = False
    as_text = [client.get(path).content for path in site]
    settings.CORE_QUERIES_PREPARED = True
    first = [client.get(path).content for path in site]  # prepares
    with CaptureQueriesContext(connection) as queries:
        again = [client.get(path).content for path in site]
    assert again == first == as_text
    executed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("EXECUTE core_kept_")]
    assert len(executed) >= len(site)
    assert not any(q["sql"].startswith("PREPARE") for q in queries.captured_queries)
    assert {sql.split("(")[0].split()[1] for sql in executed} <= names_prepared()


def test_a_statement_postgresql_cannot_type_is_sent_as_text_and_the_transaction_goes_on(site, settings):
    settings.CORE_QUERIES_PREPARED = True
    # The id is a parameter here too (it changes from run to run): PostgreSQL cannot tell
    # the type of `$2 IS NULL`.
    untyped = kept_query(
        lambda pk: Pledge.objects.filter(pk=pk).annotate(said=RawSQL("%s IS NULL", [pk], output_field=BooleanField()))
    )
    pledge = Pledge.objects.first()
    with transaction.atomic():
        assert [p.said for p in untyped(pk=pledge.pk)] == [False]
        assert Pledge.objects.filter(pk=pledge.pk).exists()  # the transaction was not spoiled
    assert any('AS "said"' in (key if isinstance(key, str) else key[0]) for key in prepared._not_preparable)
    assert [p.said for p in untyped(pk=pledge.pk)] == [False]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_new_connection_prepares_again(settings):
    settings.CORE_QUERIES_PREPARED = True
    pledge = PledgeFactory(campaign=CampaignFactory(is_current=True))
    by_pk = kept_query(lambda pk: Pledge.objects.filter(pk=pk).values_list("text", flat=True))
    assert by_pk(pk=pledge.pk) == [pledge.text]
    assert any(name.startswith("core_kept_") for name in names_prepared())
    connection.close()
    assert not names_prepared()
    assert by_pk(pk=pledge.pk) == [pledge.text]
    assert any(name.startswith("core_kept_") for name in names_prepared())


def test_with_preparing_off_the_sql_is_sent(site, settings):
    settings.CORE_QUERIES_PREPARED = False
    by_pk = kept_query(lambda pk: Pledge.objects.filter(pk=pk).values_list("text", flat=True))
    pledge = Pledge.objects.first()
    by_pk(pk=pledge.pk)
    with CaptureQueriesContext(connection) as queries:
        assert by_pk(pk=pledge.pk) == [pledge.text]
    assert queries.captured_queries[0]["sql"].startswith("SELECT")


def test_a_kept_querys_constants_are_written_into_its_statement_and_only_its_values_sent(site, settings):
    # A generic plan sees `status = 'published'` and can use the indexes kept for that
    # status alone; as a parameter it could not.
    settings.CORE_QUERIES_PREPARED = True
    published = kept_query(
        lambda pk: Pledge.objects.filter(pk=pk, status=Pledge.Status.PUBLISHED, text__contains="50%").values_list(
            "text", flat=True
        )
    )
    pledge = Pledge.objects.first()
    Pledge.objects.filter(pk=pledge.pk).update(text="I will learn 50% more names")
    assert published(pk=pledge.pk) == ["I will learn 50% more names"]
    with CaptureQueriesContext(connection) as queries:
        assert published(pk=pledge.pk) == ["I will learn 50% more names"]
        assert published(pk=pledge.pk + 1000) == []
    executed = [q["sql"] for q in queries.captured_queries]
    assert executed == [f"EXECUTE {executed[0].split()[1].split('(')[0]}({n})" for n in (pledge.pk, pledge.pk + 1000)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [executed[0][8:].split("(")[0]])
        (text,) = cursor.fetchone()
    assert "= 'published'" in text and "LIKE '%50\\%%'" in text and "$1" in text and "$2" not in text


def test_the_same_sql_with_other_constants_is_another_statement(site, settings):
    settings.CORE_QUERIES_PREPARED = True
    by_status = {
        status: kept_query(
            lambda pk, status=status: Pledge.objects.filter(pk=pk, status=status).values_list("pk", flat=True)
        )
        for status in (Pledge.Status.PUBLISHED, Pledge.Status.HELD)
    }
    pledge = Pledge.objects.first()
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.HELD)
    for _ in range(2):  # prepared, then executed by name
        assert by_status[Pledge.Status.HELD](pk=pledge.pk) == [pledge.pk]
        assert by_status[Pledge.Status.PUBLISHED](pk=pledge.pk) == []


def test_a_constant_that_cannot_be_a_key_is_sent_as_a_parameter(db, settings):
    settings.CORE_QUERIES_PREPARED = True
    sql = "SELECT %s::int[][] = %s::int[][], %s::int"
    for _ in range(2):
        statement, params = prepared.statement(connection, sql, ([[1, 2]], [[1, 2]], 7), fixed=(0, 1))
        assert statement.startswith("EXECUTE core_kept_") and params == ([[1, 2]], [[1, 2]], 7)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            assert cursor.fetchone() == (True, 7)
