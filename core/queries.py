"""Read queries whose SQL is worked out once per process, then run with new values.

Django builds a query's SQL afresh every time it runs: for a page's main query, a row and
the rows it joins, that is 0.5 to 1 ms of CPU in the query compiler, often more than the
database spends answering it. A query that a page runs on every request, with only a value
or two changing (an id, a slug), can be compiled once:

    @kept_query
    def pledge_for_page(pk: int):
        return Pledge.objects.select_related("organisation").filter(pk=pk)[:1]

    rows = pledge_for_page(pk=pk)  # a list, as list(queryset) gives: instances, or the
                                   # dicts, tuples or values of values() and values_list()

The first call builds the query twice, with two different stand-in values for each keyword
(ints, strings, aware datetimes and lists of ints only), and compares the SQL and parameters: the SQL must
be the same and each stand-in must come through as a parameter unchanged. Then the SQL is
kept, and later calls put their own values in those places.

What a build may do:
- read only its keywords and constants. Anything else (the time now, a setting, a row)
  would show as a difference between the two builds, or be kept with the SQL.
- use its values as given. A string stand-in has spaces round it, capitals and 300 more
  characters, so a build that strips, changes the case or cuts a value is not kept: tidy
  values before the call.
- leave out a filter for an empty value (0, "", []): empty values are part of what is kept,
  not stand-ins. It must not otherwise choose its SQL by a value (a length, a range).

A list of ints is kept where the build passes it whole as one parameter, as
`RawSQL("id = ANY(%s)", [ids])` does. A query that does not pass the comparison (a value
changed on its way in, as `icontains` does, or spread over the SQL text, as `pk__in` spreads
a list), or whose rows come some other way (a named
values_list), is simply built every time. A build returns a QuerySet: for exists(), ask
for `.values_list("pk")[:1]`. Instances and values_list() rows are made from the cursor's rows as
Django's own iterables make them (converters, select_related, deferred fields and
annotations included), without the QuerySet around them; dicts come back through
Django's iterable.

A list page gives Paginator `kept.pages(**values)`: its count and each page are kept SQL
too, the page as LIMIT and OFFSET parameters (as Django ends a sliced query; the first page
as a LIMIT written in, so that PostgreSQL plans it once: see _Compiled.run), the count as
COUNT(*) over the build's pks. A page showing several counts asks `counts_together(...)`
for all of them in one query. `kept.pages_count_kept(seconds, **values)` keeps the count a
few seconds in the process's memory, for a list whose count changes rarely but is shown on
every view; `kept.counts_changed()` forgets it at once in this process.

On PostgreSQL a kept statement is also prepared on each connection, so the database plans it
once too (core/prepared.py).

CORE_QUERIES_KEPT = False builds every query every time (tests/core/test_queries.py runs
both ways and compares).
"""

import copy
import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

from . import prepared
from .kept import kept_answer

_NOT_KEPT = object()

# How the rows come back: instances, dicts, tuples or single values. Each of these reads
# its rows through query.get_compiler(), which is where the kept SQL goes in.
_ITERABLES = (ModelIterable, ValuesIterable, ValuesListIterable, FlatValuesListIterable)


class _Compiled:
    def __init__(self, queryset: QuerySet, compiler, sql: str, params: list, slots: list[tuple[int, str]]):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.slots = slots
        # The constants among the parameters (all but the slots): written into the prepared
        # statement (core/prepared.py), so that PostgreSQL plans with them.
        taken = {at for at, _ in slots}
        self.fixed = tuple(at for at in range(len(params)) if at not in taken)
        # Each connection (one a thread) -> what get_converters gave on it.
        self.converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # How rows are made straight from the cursor, as Django's iterables would make them
        # (instances, tuples, single values), or None: through the QuerySet (dicts, say).
        self.direct: _Direct | None = _direct(queryset, compiler)

    def _converters(self, compiler, connection) -> dict:
        """What Django's get_converters() gives for the statement's columns (the functions
        that turn each column's database value into Python's), worked out once for each
        connection rather than on every run: it walks every column's field and backend. Each
        of a process's threads has its own connection, and each keeps its own."""
        converters = self.converters.get(connection)
        if converters is None:
            columns = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
            converters = self.converters[connection] = compiler.get_converters(columns)
        return converters

    def _params(self, values: dict) -> list:
        params = list(self.params)
        for at, name in self.slots:
            params[at] = values[name]
        return params

    def run(self, values: dict, start: int | None = None, stop: int | None = None) -> list:
        sql, params = self.sql, self._params(values)
        if stop is not None and not start:
            # The first page, which nearly every view asks for, with its size written in: with
            # LIMIT as a parameter PostgreSQL costs any one plan as if it read a tenth of the
            # rows, so it plans every execution afresh; written in, it plans the statement once.
            sql = f"{sql} LIMIT {int(stop)}"
        elif stop is not None:  # as Django ends a sliced query
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, stop - start, start]
        connection = connections[self.queryset.db]  # this thread's connection
        sql, params = prepared.statement(connection, sql, params, self.fixed)
        if self.direct is not None:
            return self._direct_rows(connection, sql, params)
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        converters = self._converters(compiler, connection)
        compiler.get_converters = lambda expressions: converters
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _direct_rows(self, connection, sql: str, params) -> list:
        """The rows as Django's iterable gives them (compiler.results_iter: each column
        through its converters; then an instance with its select_related rows and its
        annotations, a tuple, or the first value for flat=True), without the QuerySet, the
        iterable and the copy of the compiler around them, which cost more than reading a
        page of rows: a fifth of the moderation queue's query time."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        compiler = self.compiler
        converters = self._converters(compiler, connection)
        if converters:
            rows = list(_converted(rows, converters, connection))
        direct = self.direct
        if direct.kind == "flat":
            return [row[0] for row in rows]
        if direct.kind == "tuple":
            return [tuple(row) for row in rows] if rows and type(rows[0]) is not tuple else rows
        db, model, start, end, init_list = self.queryset.db, direct.model, direct.start, direct.end, direct.init_list
        populators = direct.populators.get(db)
        if populators is None:
            populators = direct.populators[db] = get_related_populators(compiler.klass_info, compiler.select, db)
        found = []
        for row in rows:
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, at in direct.annotations:
                setattr(obj, name, row[at])
            found.append(obj)
        return found

    def counted(self, values: dict, cap: int | None = None) -> tuple[str, list]:
        """The statement whose rows count() counts (the build's pks only, without its
        order: see _count_build), at most `cap` of them, with its parameters."""
        sql, params = self.sql, self._params(values)
        if cap is not None:
            sql, params = f"{sql} LIMIT %s", [*params, cap]
        return sql, params

    def count(self, values: dict, cap: int | None = None) -> int:
        sql, params = self.counted(values, cap)
        connection = connections[self.queryset.db]
        with connection.cursor() as cursor:
            cursor.execute(
                *prepared.statement(connection, f"SELECT COUNT(*) FROM ({sql}) AS counted", params, self.fixed)
            )
            return cursor.fetchone()[0]


@dataclass
class _Direct:
    """How a kept query's rows are made from the cursor's (see _direct)."""

    kind: str  # "model", "tuple" or "flat"
    model: type | None = None
    start: int = 0  # where the model's own columns are in a row
    end: int = 0
    init_list: tuple[str, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()
    populators: dict = field(default_factory=dict)  # database alias -> select_related's populators


def _direct(queryset: QuerySet, compiler) -> _Direct | None:
    """How to make rows from the cursor's as Django's ModelIterable, ValuesListIterable
    and FlatValuesListIterable do, or None for any other query (dicts, named tuples, a
    prefetch, related objects known to a manager, an extra select to trim, a composite
    field). The compiler has compiled its SQL (as_sql), so its columns are worked out."""
    kind = {ModelIterable: "model", ValuesListIterable: "tuple", FlatValuesListIterable: "flat"}.get(
        queryset._iterable_class
    )
    if kind is None or queryset._prefetch_related_lookups or queryset._known_related_objects:
        return None
    columns = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
    if compiler.query.extra_select or compiler.has_extra_select or compiler.has_composite_fields(columns):
        return None
    if kind != "model":
        return _Direct(kind)
    klass_info = compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Direct(
        kind,
        model=klass_info["model"],
        start=start,
        end=end,
        init_list=tuple(selected[0].target.attname for selected in compiler.select[start:end]),
        annotations=tuple((compiler.annotation_col_map or {}).items()),
    )


def _converted(rows, converters: dict, connection):
    """The rows with each column's value through its converters, as Django's
    SQLCompiler.apply_converters gives them."""
    converters = list(converters.items())
    for row in map(list, rows):
        for at, (functions, expression) in converters:
            value = row[at]
            for function in functions:
                value = function(value, expression, connection)
            row[at] = value
        yield row


def _count_build(build: Callable[..., QuerySet]) -> Callable[..., QuerySet]:
    """The build's pks without its order (PostgreSQL then counts as for COUNT(*) itself); a
    sliced build is left as it is, and is not kept."""

    def pks(**values) -> QuerySet:
        queryset = build(**values)
        return queryset if queryset.query.is_sliced else queryset.order_by().values("pk")

    return pks


_INT64 = (-(2**63), 2**63 - 1)


def _empty(value) -> bool:
    return type(value) in (int, str, list) and not value


def _int_list(value) -> bool:
    return type(value) is list and all(type(item) is int and _INT64[0] <= item <= _INT64[1] for item in value)


def _slot(value):
    """A stand-in as a dict key (a list of ints is one parameter, as `= ANY(%s)` takes it)."""
    return ("list", tuple(value)) if type(value) is list else value


def _stand_ins(values: dict, which: int) -> dict | None:
    """Stand-ins for the values; an empty one (0, "") is given as it is, and is part of the
    key instead (a build may leave out a filter for an empty value)."""
    stand_ins = {}
    for n, (name, value) in enumerate(sorted(values.items())):
        if _empty(value):
            stand_ins[name] = value
        elif type(value) is int:
            stand_ins[name] = 1_900_000_000 + 10 * n + which
        elif type(value) is str:
            # Spaces round it, capitals and a length past any field's: a build that strips,
            # changes the case or cuts its value gives another parameter, and is not kept.
            stand_ins[name] = f" Kept-Query-Stand-In-{n}-{which} " + "." * 300
        elif type(value) is datetime and value.tzinfo is not None:
            stand_ins[name] = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(microseconds=10 * n + which)
        elif _int_list(value):
            # Kept only where the build passes the list whole, as one parameter (`id =
            # ANY(%s)`); `pk__in` spreads it over a parameter per item, and is not kept.
            stand_ins[name] = [1_900_000_000 + 10 * n + which]
        else:
            return None
    return stand_ins


def _compile(build: Callable[..., QuerySet], values: dict, *, paged: bool = False) -> _Compiled | None:
    try:
        return _compare(build, values, paged=paged)
    except Exception:  # noqa: BLE001 - e.g. a stand-in out of a small integer field's range
        # Whatever the stand-ins could not be built or compiled with, the caller's own
        # values are built every time, and raise what they raise there.
        return None


def _compare(build: Callable[..., QuerySet], values: dict, *, paged: bool) -> _Compiled | None:
    first, second = _stand_ins(values, 0), _stand_ins(values, 1)
    if first is None:
        return None
    queryset = build(**first)
    query = queryset.query
    if queryset._iterable_class not in _ITERABLES or (query.is_sliced and paged):
        return None
    if query.select_for_update or query.combinator:
        return None
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    other = build(**second)
    other_sql, other_params = other.query.get_compiler(using=other.db).as_sql()
    if sql != other_sql or len(params) != len(other_params):
        return None
    names = {_slot(stand_in): name for name, stand_in in first.items() if not _empty(values[name])}
    slots = []
    for at, (one, two) in enumerate(zip(params, other_params, strict=True)):
        name = names.get(_slot(one)) if isinstance(one, int | str | datetime | list) else None
        if name is None:
            if one != two:
                return None  # the build read something besides its keywords
            continue
        if two != second[name]:
            return None
        slots.append((at, name))
    if {name for _, name in slots} != {name for name, value in values.items() if not _empty(value)}:
        return None  # a value was changed on its way in, or not used
    return _Compiled(queryset, compiler, sql, list(params), slots)


class KeptPages:
    """What Django's Paginator pages, from a kept query: count() and a slice per page, each
    run as kept SQL (the slice as LIMIT and OFFSET parameters, as Django writes them).
    With `count_seconds`, the count is kept that long in this process (see
    KeptQuery.pages_count_kept)."""

    def __init__(self, kept: "KeptQuery", values: dict, count_seconds: float = 0.0):
        self.kept = kept
        self.values = values
        self.count_seconds = count_seconds

    def count(self) -> int:
        if self.count_seconds > 0:
            return self.kept.kept_count(self.count_seconds, **self.values)
        return self.kept.count(**self.values)

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("KeptPages gives pages: a slice with a start and a stop")
        start = index.start or 0
        compiled = self.kept.compiled(self.values, paged=True)
        if compiled is None:
            return list(self.kept.build(**self.values)[start : index.stop])
        return compiled.run(self.values, start, index.stop)


class KeptQuery:
    """`build(**values)`'s rows, its SQL compiled once per process and kind of values
    (their types, and which of them are empty)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.kept: dict[tuple, _Compiled | object] = {}
        self.counts_generation = 0  # part of each kept count's key: counts_changed() moves it on
        functools.update_wrapper(self, build)

    def compiled(self, values: dict, *, counting: bool = False, paged: bool = False) -> _Compiled | None:
        if not settings.CORE_QUERIES_KEPT:
            return None
        if any(type(value) is int and not _INT64[0] <= value <= _INT64[1] for value in values.values()):
            # Django answers "nothing" for an integer no column can hold; PostgreSQL would
            # compare it as numeric and scan the table. Built as usual.
            return None
        # A value's type is part of the key, and so is an empty value itself.
        kinds = (counting, paged, *sorted((name, type(value), _empty(value)) for name, value in values.items()))
        compiled = self.kept.get(kinds)
        if compiled is None:
            build = _count_build(self.build) if counting else self.build
            compiled = self.kept[kinds] = _compile(build, values, paged=paged or counting) or _NOT_KEPT
        return None if compiled is _NOT_KEPT else compiled

    def __call__(self, **values) -> list:
        compiled = self.compiled(values)
        return list(self.build(**values)) if compiled is None else compiled.run(values)

    def first(self, **values):
        """The first row, or None: for a build that asks for one row (`[:1]`)."""
        rows = self(**values)
        return rows[0] if rows else None

    def pages(self, **values) -> KeptPages:
        """For Paginator: `Paginator(kept.pages(**values), 20)`."""
        return KeptPages(self, values)

    def pages_count_kept(self, seconds: float, **values) -> KeptPages:
        """For Paginator, as pages(), but the count is kept `seconds` in this process's
        memory (the `local` cache), by values: for a list that counts a few thousand rows on
        every view and changes rarely. The rows of each page are always read afresh. After a
        change, this process counts again once counts_changed() is called; other processes
        within `seconds`. 0 or less counts every time."""
        return KeptPages(self, values, count_seconds=seconds)

    def kept_count(self, seconds: float, **values) -> int:
        """count(**values), kept `seconds` in this process's memory (see pages_count_kept)."""
        depends_on = (f"{self.__module__}.{self.__qualname__}", self.counts_generation, sorted(values.items()))
        return kept_answer("kept-count", depends_on, lambda: self.count(**values), seconds)

    def counts_changed(self) -> None:
        """Forget this process's kept counts (call it once a change that moves them commits)."""
        self.counts_generation += 1

    def count_statement(self, cap: int | None = None, **values) -> tuple[str, list] | None:
        """The kept statement whose rows count(cap, **values) counts, with its parameters,
        for a caller that counts in its own way (with a time limit, say); None when the
        query is not kept (count the build's rows then)."""
        compiled = self.compiled(values, counting=True)
        return None if compiled is None else compiled.counted(values, cap)

    def count(self, cap: int | None = None, **values) -> int:
        """How many rows, counted to at most `cap` (None: all of them)."""
        compiled = self.compiled(values, counting=True)
        if compiled is None:
            queryset = self.build(**values)
            return (queryset if cap is None else queryset[:cap]).count()
        return compiled.count(values, cap)


def kept_query(build: Callable[..., QuerySet]) -> KeptQuery:
    """`build(**values)`'s rows (a list), its SQL compiled once per process."""
    return KeptQuery(build)


def counts_together(*asks: tuple[KeptQuery, int | None, dict]) -> list[int]:
    """Several kept counts in one query: each ask is (kept query, cap, values), answered as
    `kept.count(cap, **values)` would answer it. A page that shows a handful of counts (a
    tab each) pays one round trip to the database, not one per count. When any of them
    cannot be kept, or they are not all on one database, each is counted on its own."""
    compiled = [kept.compiled(values, counting=True) for kept, _, values in asks]
    databases = {one.queryset.db for one in compiled if one is not None}
    if not asks or None in compiled or len(databases) != 1:
        return [kept.count(cap, **values) for kept, cap, values in asks]
    selects, params, fixed = [], [], []
    for one, (_, cap, values) in zip(compiled, asks, strict=True):
        sql, its_params = one.counted(values, cap)
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
        fixed += [len(params) + at for at in one.fixed]
        params += its_params
    connection = connections[databases.pop()]
    with connection.cursor() as cursor:
        cursor.execute(*prepared.statement(connection, f"SELECT {', '.join(selects)}", params, tuple(fixed)))
        return list(cursor.fetchone())
