"""Read queries compiled once per process (core/queries.py): the same rows as the plain
query, no compiling after the first call, and built every time when keeping is not safe."""

import datetime
import threading

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.queries import _NOT_KEPT, counts_together, kept_query
from pledges.models import Pledge
from tests.organisations.factories import make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory


@pytest.fixture
def pledges(db):
    campaign = CampaignFactory(is_current=True)
    oak = make_organisation(name="Oak Lodge Care Home")
    first = PledgeFactory(campaign=campaign, text="I will learn the names of the porters")
    second = PledgeFactory(campaign=campaign, text="I will learn their names too", joined_from=first, organisation=oak)
    held = PledgeFactory(campaign=campaign, text="I will be held for a moment")
    Pledge.objects.filter(pk=held.pk).update(status=Pledge.Status.HELD)
    return first, second, held


def by_pk(pk: int):
    return (
        Pledge.objects.select_related("joined_from", "organisation")
        .only("id", "text", "joined_from__text", "organisation__name")
        .filter(pk=pk, status__in=Pledge.PUBLIC)
        .order_by()[:1]
    )


@pytest.fixture
def compiles(monkeypatch):
    """How many times Django's query compiler ran."""
    calls = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return calls


def shown(rows):
    return [
        (row.pk, row.text, row.joined_from and row.joined_from.text, row.organisation and row.organisation.name)
        for row in rows
    ]


def test_kept_rows_are_the_plain_query_rows_and_compile_once(pledges, compiles, django_assert_num_queries):
    kept = kept_query(by_pk)
    first, second, held = pledges
    for pk in (first.pk, second.pk, held.pk, 10**9, second.pk):
        compiles.clear()
        with django_assert_num_queries(1):  # the joined rows come with it, as with select_related
            rows = shown(kept(pk=pk))
        assert rows == shown(by_pk(pk)), pk
        if pk != first.pk:
            assert len(compiles) == 1  # the plain query's only: the kept one was not compiled again
    assert shown(kept(pk=second.pk)) == [(second.pk, second.text, first.text, "Oak Lodge Care Home")]
    assert kept(pk=held.pk) == [] and kept(pk=10**9) == []


def test_kept_and_plain_agree_with_keeping_off(pledges):
    kept = kept_query(by_pk)
    with override_settings(CORE_QUERIES_KEPT=False):
        plain = [shown(kept(pk=p.pk)) for p in pledges]
    assert not kept.kept
    assert [shown(kept(pk=p.pk)) for p in pledges] == plain


def test_string_keywords_are_kept(pledges):
    kept = kept_query(lambda text, pk: Pledge.objects.filter(text=text, pk__gte=pk).order_by("pk"))
    first, second, _ = pledges
    assert [p.pk for p in kept(text=second.text, pk=0)] == [second.pk]
    assert [p.pk for p in kept(text=first.text, pk=0)] == [first.pk]
    assert kept(text=first.text, pk=first.pk + 1) == []
    assert all(value is not _NOT_KEPT for value in kept.kept.values())


def test_a_filter_left_out_for_an_empty_value_is_kept_apart(pledges):
    """`if text:` in a build: the SQL without the filter is kept for "", the other for the rest."""

    def build(text, pk):
        queryset = Pledge.objects.filter(pk__gte=pk).order_by("pk")
        return queryset.filter(text=text) if text else queryset

    kept = kept_query(build)
    first, second, held = pledges
    everyone = [first.pk, second.pk, held.pk]
    for _ in range(2):
        assert [p.pk for p in kept(text="", pk=0)] == everyone
        assert [p.pk for p in kept(text=first.text, pk=0)] == [first.pk]
        assert [p.pk for p in kept(text="", pk=second.pk)] == [second.pk, held.pk]
        assert [p.pk for p in kept(text=second.text, pk=second.pk)] == [second.pk]
    assert len(kept.kept) == 4 and _NOT_KEPT not in kept.kept.values()


@pytest.mark.parametrize("shape", ["values", "values_list", "flat"])
def test_dicts_tuples_and_single_values_are_kept(pledges, compiles, shape):
    def build(pk):
        queryset = Pledge.objects.filter(pk__gte=pk).order_by("pk")
        if shape == "values":
            return queryset.values("pk", "text")
        return (
            queryset.values_list("pk", "text", flat=False)
            if shape == "values_list"
            else queryset.values_list("pk", flat=True)
        )

    kept = kept_query(build)
    first, second, _ = pledges
    kept(pk=10**9)  # compiled here
    for pk in (first.pk, second.pk, first.pk):
        compiles.clear()
        assert kept(pk=pk) == list(build(pk)) and kept(pk=pk)
        assert len(compiles) == 1  # the plain build's
    assert list(kept.kept.values()) != [_NOT_KEPT]


def test_values_list_rows_are_read_straight_from_the_cursor(pledges, monkeypatch):
    """A kept values_list() gives the rows its iterable would, without running the iterable:
    tuples (datetimes through their converters), or single values for flat=True."""
    from django.db.models.query import FlatValuesListIterable, ValuesListIterable

    first, second, _ = pledges
    rows = kept_query(lambda pk: Pledge.objects.filter(pk__gte=pk).order_by("pk").values_list("pk", "created_at"))
    flat = kept_query(lambda pk: Pledge.objects.filter(pk__gte=pk).order_by("pk").values_list("pk", flat=True))
    plain_rows = list(Pledge.objects.filter(pk__gte=second.pk).order_by("pk").values_list("pk", "created_at"))
    plain_flat = list(Pledge.objects.filter(pk__gte=first.pk).order_by("pk").values_list("pk", flat=True))
    rows(pk=10**9), flat(pk=10**9)  # compiled here

    def not_used(self):
        raise AssertionError("the kept query ran Django's iterable")

    monkeypatch.setattr(ValuesListIterable, "__iter__", not_used)
    monkeypatch.setattr(FlatValuesListIterable, "__iter__", not_used)
    assert rows(pk=second.pk) == plain_rows and all(type(row) is tuple for row in plain_rows)
    assert isinstance(plain_rows[0][1], datetime.datetime) and plain_rows[0][1].tzinfo is not None
    assert flat(pk=first.pk) == plain_flat and len(plain_flat) == 3


def test_instances_are_made_straight_from_the_cursor_as_djangos_iterable_makes_them(pledges, monkeypatch):
    """A kept query of instances gives what ModelIterable would, without running it: each
    row's fields (deferred ones left deferred), its select_related row and its annotations."""
    from django.db.models import F, Value
    from django.db.models.query import ModelIterable

    def build(pk):
        found = Pledge.objects.filter(pk__gte=pk).select_related("campaign").only("pk", "text", "campaign__name")
        return found.annotate(shout=F("text"), one=Value(1)).order_by("pk")

    def seen(rows):
        return [
            (p.pk, p.text, p.shout, p.one, p.campaign.name, p.get_deferred_fields() >= {"job_role"}, p._state.db)
            for p in rows
        ]

    first, *_ = pledges
    plain = seen(build(first.pk))
    kept = kept_query(build)
    kept(pk=10**9)  # compiled here
    monkeypatch.setattr(ModelIterable, "__iter__", lambda self: pytest.fail("the kept query ran Django's iterable"))
    with CaptureQueriesContext(connection) as queries:
        assert seen(kept(pk=first.pk)) == plain and len(plain) == 3
    assert len(queries) == 1  # the campaign came with each pledge


@pytest.mark.parametrize(
    "build",
    [
        # reads the time: the two builds differ, so it would be wrong to keep
        lambda pk: Pledge.objects.filter(pk=pk, created_at__lte=timezone.now()),
        # the value is changed on its way in (%...%)
        lambda pk: Pledge.objects.filter(pk__gte=0, text__icontains=str(pk)),
        # not used as a parameter at all
        lambda pk: Pledge.objects.filter(pk__gte=0),
        # rows as named tuples, which read their names another way
        lambda pk: Pledge.objects.filter(pk=pk).values_list("pk", "text", named=True),
    ],
    ids=["reads-the-time", "changed-value", "unused", "named-tuples"],
)
def test_queries_that_cannot_be_kept_are_built_every_time(pledges, compiles, build):
    kept = kept_query(build)
    first, *_ = pledges
    expected = list(build(pk=first.pk))
    assert kept(pk=first.pk) == expected
    assert list(kept.kept.values()) == [_NOT_KEPT]
    compiles.clear()
    assert kept(pk=first.pk) == expected
    assert compiles  # built and compiled again


def test_a_list_is_never_a_kept_value(pledges):
    kept = kept_query(lambda pks: Pledge.objects.filter(pk__in=pks).order_by("pk"))
    first, second, _ = pledges
    assert [p.pk for p in kept(pks=[first.pk, second.pk])] == [first.pk, second.pk]
    assert [p.pk for p in kept(pks=[second.pk])] == [second.pk]
    assert list(kept.kept.values()) == [_NOT_KEPT]


def test_a_list_passed_whole_as_one_parameter_is_kept(pledges, compiles):
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    def build(*, ids, status):
        found = Pledge.objects.filter(status=status) if status else Pledge.objects.all()
        if ids:
            found = found.filter(RawSQL('"pledges_pledge"."id" = ANY(%s)', [ids], output_field=BooleanField()))
        return found.order_by("pk").values_list("pk", flat=True)

    kept = kept_query(build)
    first, second, held = pledges
    assert kept(ids=[first.pk, held.pk], status="") == [first.pk, held.pk]
    compiles.clear()
    assert kept(ids=[second.pk], status="") == [second.pk]
    assert kept(ids=[first.pk, second.pk, held.pk], status="published") == [first.pk, second.pk]
    assert kept(ids=[first.pk, second.pk, held.pk], status="held") == [held.pk]
    assert len(compiles) == 2  # the first with a status: compiled with two stand-ins, then kept
    # An empty list is part of the key, as 0 and "" are: this build then leaves the filter out.
    assert kept(ids=[], status="") == [first.pk, second.pk, held.pk]
    assert _NOT_KEPT not in kept.kept.values()
    assert kept(ids=[2**70], status="") == []  # past 64 bits: built as usual


def test_count_statement_is_the_kept_count_sql_for_a_caller_to_run(pledges):
    from django.db import connection

    kept = kept_query(lambda status: Pledge.objects.filter(status=status).order_by("-pk"))
    sql, params = kept.count_statement(1, status="published")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)
        assert cursor.fetchone()[0] == 1 == kept.count(1, status="published")
    assert kept.count(status="published") == 2
    cannot = kept_query(lambda text: Pledge.objects.filter(text__icontains=text))
    assert cannot.count_statement(1, text="names") is None


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_the_kept_query_on_its_own_connection():
    """gunicorn's threads each have a database connection; the kept SQL is shared."""
    from django.db import connections

    CampaignFactory(is_current=True)
    pledge = PledgeFactory(text="I will say good morning to every patient")
    kept = kept_query(by_pk)
    assert shown(kept(pk=pledge.pk))  # compiled on this thread's connection
    here = connections["default"]
    found, used = [], []

    def elsewhere():
        try:
            with CaptureQueriesContext(connections["default"]) as queries:
                found.extend(shown(kept(pk=pledge.pk)))
            used.append((connections["default"] is not here, len(queries)))
        finally:
            connections.close_all()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert found == [(pledge.pk, pledge.text, None, None)]
    assert used == [(True, 1)]


def test_pages_are_the_querysets_pages_with_no_compile_once_kept(pledges, compiles):
    from django.core.paginator import Paginator

    from tests.pledges.factories import PledgeFactory

    first, *_ = pledges
    for n in range(9):
        PledgeFactory(campaign=first.campaign, text=f"I will learn porter number {n}'s name", job_role="nurse")

    def build(job_role, pk):
        queryset = Pledge.objects.select_related("organisation").filter(pk__gte=pk).order_by("-pk")
        return queryset.filter(job_role=job_role) if job_role else queryset

    kept = kept_query(build)
    for job_role in ("", "nurse", "nurse", ""):  # compiled on the first of each, then kept
        compiles.clear()
        pages = Paginator(kept.pages(job_role=job_role, pk=first.pk), 4)
        plain = Paginator(build(job_role=job_role, pk=first.pk), 4)
        assert pages.count == plain.count > 4
        for number in pages.page_range:
            assert [p.pk for p in pages.page(number)] == [p.pk for p in plain.page(number)]
        assert len(pages.page(pages.num_pages)) == plain.count - 4 * (pages.num_pages - 1)
        compiled_by_plain = 1 + plain.num_pages
        if len(compiles) != compiled_by_plain:
            assert len(compiles) == compiled_by_plain + 4, job_role  # two stand-ins each: count, page
    assert len(compiles) == compiled_by_plain
    assert Paginator(kept.pages(job_role="nurse", pk=10**9), 4).count == 0


def test_the_first_page_has_its_size_written_in_and_the_others_take_parameters(pledges):
    """So that PostgreSQL plans the first page's statement once (core/queries.py _Compiled.run)."""
    from django.db import connection

    kept = kept_query(lambda job_role: Pledge.objects.filter(job_role=job_role).order_by("-pk").values_list("pk"))
    with CaptureQueriesContext(connection) as ran:
        first = kept.pages(job_role="nurse")[0:2]
        second = kept.pages(job_role="nurse")[2:4]
    assert ran.captured_queries[0]["sql"].endswith(" LIMIT 2")
    assert ran.captured_queries[1]["sql"].endswith(" LIMIT 2 OFFSET 2")
    plain = list(Pledge.objects.filter(job_role="nurse").order_by("-pk").values_list("pk"))
    assert first == plain[0:2] and second == plain[2:4]


def test_pages_of_a_query_that_cannot_be_kept_are_the_querysets(pledges, compiles):
    from django.core.paginator import Paginator

    kept = kept_query(lambda text: Pledge.objects.filter(text__icontains=text).order_by("pk"))
    pages = Paginator(kept.pages(text="names"), 1)
    assert pages.count == 2
    assert [p.pk for p in pages.page(2)] == [pledges[1].pk]
    assert set(kept.kept.values()) == {_NOT_KEPT}
    with pytest.raises(TypeError):
        kept.pages(text="names")[0]


@pytest.fixture
def public_pages(pledges):
    from django.urls import reverse

    from tests.ambassadors.factories import CareMakerFactory

    first, second, _ = pledges
    for n in range(3):
        CareMakerFactory(display_name=f"Care Maker {n}")
    oak = second.organisation
    return [
        (first.get_absolute_url(), second.get_absolute_url()),
        (oak.get_absolute_url(), make_organisation(name="Birch House").get_absolute_url()),
        (reverse("ambassadors:directory"), reverse("ambassadors:directory") + "?page=2"),
        (reverse("ambassadors:directory") + "?region=london", reverse("ambassadors:directory") + "?region=north-west"),
        (reverse("organisations:directory"), reverse("organisations:directory") + "?page=2"),
        (reverse("organisations:directory") + "?type=care-home", reverse("organisations:directory") + "?type=hospice"),
        (reverse("ambassadors:counts"), reverse("ambassadors:counts")),
        (reverse("organisations:impact"), reverse("organisations:impact")),
    ]


def test_these_pages_compile_no_sql_once_a_process_has_shown_one_like_them(client, public_pages, compiles, settings):
    """Their queries are kept (the one a page shows second has the same SQL with other values)."""
    from pledges import cache

    settings.PLEDGES_CAMPAIGN_TTL = 5  # as in production: the campaign lists are kept too
    settings.PLEDGES_MICROCACHE_ENABLED = False
    cache.clear_forms()
    for seen, like_it in public_pages:
        assert client.get(seen).status_code == 200
        compiles.clear()
        response = client.get(like_it)
        assert response.status_code == 200, like_it
        assert compiles == [], like_it
    cache.clear_forms()


def test_an_aware_datetime_is_a_kept_value_and_counts_can_stop_at_a_cap(pledges, compiles):
    from datetime import timedelta

    from django.db import connection

    first, second, held = pledges
    Pledge.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=3))

    def build(before):
        queryset = Pledge.objects.order_by("created_at", "pk")
        return queryset.filter(created_at__lt=before) if before else queryset

    kept = kept_query(build)
    now = timezone.now()
    for _ in range(2):
        assert [p.pk for p in kept(before=now - timedelta(days=2))] == [first.pk]
        assert [p.pk for p in kept(before=now + timedelta(minutes=1))] == [first.pk, second.pk, held.pk]
        assert kept.count(before="") == 3 and kept.count(2, before="") == 2
        assert kept.count(10, before=now - timedelta(days=2)) == 1
    compiles.clear()
    assert kept.count(2, before=now) == 2 and kept(before=now)
    if connection.vendor == "postgresql":  # SQLite is given datetimes as text: not kept there
        assert compiles == []


def test_an_integer_no_column_can_hold_is_built_as_usual_and_finds_nothing(pledges, client, compiles):
    """Django answers it with no query; kept SQL would send it as numeric, a table scan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kept = kept_query(by_pk)
    first, *_ = pledges
    assert shown(kept(pk=first.pk))
    with CaptureQueriesContext(connection) as queries:
        assert kept(pk=10**20) == []
    assert len(queries) == 0
    assert client.get(f"/pledges/{10**20}/").status_code == 404


def test_a_build_that_cannot_take_the_stand_ins_is_built_every_time(pledges):
    """A stand-in out of a small integer column's range: Django refuses to compile it."""
    from pledges.models import Theme

    kept = kept_query(lambda position: Theme.objects.filter(position=position).order_by("pk"))
    themes = list(Theme.objects.filter(position=1).order_by("pk"))
    assert kept(position=1) == themes
    assert list(kept.kept.values()) == [_NOT_KEPT]


@pytest.mark.parametrize(
    "tidy",
    [str.strip, str.lower, lambda text: text[:200]],
    ids=["strip", "lower", "cut"],
)
def test_a_build_that_changes_its_string_is_not_kept(pledges, tidy):
    """Kept SQL would be given the value untidied: "names  " would not find "names"."""

    def build(text):
        return Pledge.objects.filter(text=tidy(text)).order_by("pk")

    kept = kept_query(build)
    first, *_ = pledges
    for given in (first.text + "  ", first.text):
        assert kept(text=given) == list(build(given))
    assert kept(text=first.text + "  ") == ([first] if tidy is str.strip else [])
    assert list(kept.kept.values()) == [_NOT_KEPT]


def test_first_is_the_one_row_or_none(pledges):
    kept = kept_query(by_pk)
    first, _, held = pledges
    assert kept.first(pk=first.pk).pk == first.pk
    assert kept.first(pk=held.pk) is None  # held: not public


def test_counts_together_are_the_counts_one_by_one_in_one_query(pledges, compiles):
    from django.db import connection

    first, second, held = pledges
    by_status = kept_query(lambda status: Pledge.objects.filter(status=status).order_by("pk"))
    by_text = kept_query(lambda text: Pledge.objects.filter(text=text).order_by("pk"))
    asks = [
        (by_status, None, {"status": "published"}),
        (by_status, 1, {"status": "published"}),
        (by_status, 1000, {"status": "held"}),
        (by_text, None, {"text": first.text}),
        (by_text, 5, {"text": "nobody pledged this"}),
    ]
    one_by_one = [kept.count(cap, **values) for kept, cap, values in asks]
    assert one_by_one == [2, 1, 1, 1, 0]
    compiles.clear()
    with CaptureQueriesContext(connection) as queries:
        assert counts_together(*asks) == one_by_one
    assert len(queries) == 1 and compiles == []
    assert counts_together() == []


def test_counts_together_count_one_by_one_what_cannot_be_kept(pledges):
    from django.db import connection

    first, *_ = pledges
    by_status = kept_query(lambda status: Pledge.objects.filter(status=status).order_by("pk"))
    by_words = kept_query(lambda q: Pledge.objects.filter(text__icontains=q).order_by("pk"))  # never kept
    with CaptureQueriesContext(connection) as queries:
        assert counts_together((by_status, None, {"status": "published"}), (by_words, 10, {"q": "NAMES"})) == [2, 2]
    assert len(queries) == 2
    with override_settings(CORE_QUERIES_KEPT=False):
        assert counts_together((by_status, 1, {"status": "published"}), (by_status, None, {"status": "held"})) == [1, 1]


def test_a_kept_count_is_read_once_per_values_until_it_runs_out_or_is_forgotten(pledges):
    from django.core.paginator import Paginator
    from django.db import connection

    first, second, held = pledges
    by_status = kept_query(lambda status: Pledge.objects.filter(status=status).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        assert Paginator(by_status.pages_count_kept(60, status="published"), 1).count == 2
        assert Paginator(by_status.pages_count_kept(60, status="published"), 1).count == 2
        assert Paginator(by_status.pages_count_kept(60, status="held"), 1).count == 1
    assert len(queries) == 2  # one count per set of values; the second view counts nothing
    Pledge.objects.filter(pk=held.pk).update(status="published")
    pages = Paginator(by_status.pages_count_kept(60, status="published"), 1)
    assert pages.count == 2  # kept: the change shows once the count is forgotten or runs out
    assert [p.pk for p in pages.page(2)] == [second.pk]  # the rows themselves are read afresh
    by_status.counts_changed()
    assert Paginator(by_status.pages_count_kept(60, status="published"), 1).count == 3
    with CaptureQueriesContext(connection) as queries:
        assert by_status.kept_count(0, status="published") == 3  # 0 seconds: counted every time
        assert Paginator(by_status.pages_count_kept(0, status="published"), 1).count == 3
    assert len(queries) == 2


def test_a_kept_count_runs_out_after_its_seconds(pledges):
    import time

    first, second, held = pledges
    by_status = kept_query(lambda status: Pledge.objects.filter(status=status).order_by("pk"))
    assert by_status.kept_count(0.2, status="published") == 2
    Pledge.objects.filter(pk=held.pk).update(status="published")
    assert by_status.kept_count(0.2, status="published") == 2
    time.sleep(0.25)
    assert by_status.kept_count(0.2, status="published") == 3


def test_each_run_turns_column_values_into_python_as_the_plain_query_does(db, monkeypatch):
    """The converters (JSON here) are worked out once per connection, then used on every run."""
    from mail.models import Email

    Email.objects.create(kind="pledge-confirm", to="a@example.org", key="one", context={"name": "Asha", "n": [1, 2]})
    Email.objects.create(kind="pledge-confirm", to="b@example.org", key="two", context={})
    kept = kept_query(lambda kind: Email.objects.filter(kind=kind).order_by("key"))
    kept_values = kept_query(lambda kind: Email.objects.filter(kind=kind).order_by("key").values_list("key", "context"))
    plain = [(email.key, email.context) for email in Email.objects.filter(kind="pledge-confirm").order_by("key")]
    assert plain == [("one", {"name": "Asha", "n": [1, 2]}), ("two", {})]
    worked_out = []
    original = SQLCompiler.get_converters
    monkeypatch.setattr(SQLCompiler, "get_converters", lambda self, *a: worked_out.append(1) or original(self, *a))
    for _ in range(3):
        assert [(email.key, email.context) for email in kept(kind="pledge-confirm")] == plain
        assert kept_values(kind="pledge-confirm") == plain
    assert len(worked_out) == 2  # once for each query


def test_each_threads_connection_keeps_its_own_converters(db, monkeypatch):
    """A gunicorn worker's threads each have a connection: taking turns, none works the
    converters out again."""
    from django.db import connections

    from mail.models import Email

    kept = kept_query(lambda kind: Email.objects.filter(kind=kind).order_by("key").values_list("key", "context"))
    kept(kind="pledge-confirm")  # compiled here
    worked_out = []
    original = SQLCompiler.get_converters
    monkeypatch.setattr(SQLCompiler, "get_converters", lambda self, *a: worked_out.append(1) or original(self, *a))

    def turns():
        for _ in range(3):
            kept(kind="pledge-confirm")

    def in_a_thread():
        try:
            turns()
        finally:
            connections.close_all()

    for _ in range(2):
        turns()
        other = threading.Thread(target=in_a_thread)
        other.start()
        other.join()
    # Each of the two threads' connections once; the main thread's kept its own throughout.
    assert len(worked_out) == 2
