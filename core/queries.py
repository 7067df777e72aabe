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
(ints and strings only), and compares the SQL and parameters: the SQL must be the same and
each stand-in must come through as a parameter unchanged. Then the SQL is kept, and later
calls put their own values in those places. Anything else a build reads (the time now, a
setting, a row) would show as a difference between the two builds, or be kept with the SQL:
so a build may read only its keywords and constants. It may leave out a filter for an
empty value (0, ""): empty values are part of what is kept, not stand-ins; it must not
otherwise choose its SQL by a value (a length, a range). A query that does not pass the
comparison (a value changed on its way in, as `icontains` does, or in the SQL text, as a
list is), or whose rows come some other way (a named values_list), is simply built every
time. A build returns a QuerySet: for exists(), ask for `.values_list("pk")[:1]`. The rows come back through Django's own iterables, so select_related,
deferred fields and converters behave as they do for the plain query.

CORE_QUERIES_KEPT = False builds every query every time (tests/core/test_queries.py runs
both ways and compares).
"""

import copy
import functools
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesIterable, ValuesListIterable

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

    def run(self, values: dict) -> list:
        params = list(self.params)
        for at, name in self.slots:
            params[at] = values[name]
        sql, params = self.sql, tuple(params)
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.queryset.db]  # this thread's connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)


def _empty(value) -> bool:
    return type(value) in (int, str) and not value


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
            stand_ins[name] = f"kept-query-stand-in-{n}-{which}"
        else:
            return None
    return stand_ins


def _compile(build: Callable[..., QuerySet], values: dict) -> _Compiled | None:
    first, second = _stand_ins(values, 0), _stand_ins(values, 1)
    if first is None:
        return None
    queryset = build(**first)
    if queryset._iterable_class not in _ITERABLES:
        return None
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    other = build(**second)
    other_sql, other_params = other.query.get_compiler(using=other.db).as_sql()
    if sql != other_sql or len(params) != len(other_params):
        return None
    names = {stand_in: name for name, stand_in in first.items() if not _empty(values[name])}
    slots = []
    for at, (one, two) in enumerate(zip(params, other_params, strict=True)):
        name = names.get(one) if isinstance(one, int | str) else None
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


def kept_query(build: Callable[..., QuerySet]) -> Callable[..., list]:
    """`build(**values)`'s rows, its SQL compiled once per process and kind of values
    (their types, and which of them are empty)."""
    kept: dict[tuple, _Compiled | object] = {}

    @functools.wraps(build)
    def rows(**values) -> list:
        if not getattr(settings, "CORE_QUERIES_KEPT", True):
            return list(build(**values))
        # A value's type is part of the key, and so is an empty value itself.
        kinds = tuple(sorted((name, type(value), _empty(value)) for name, value in values.items()))
        compiled = kept.get(kinds)
        if compiled is None:
            compiled = kept[kinds] = _compile(build, values) or _NOT_KEPT
        if compiled is _NOT_KEPT:
            return list(build(**values))
        return compiled.run(values)

    rows.kept = kept  # for tests
    return rows
