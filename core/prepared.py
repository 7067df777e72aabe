"""Kept queries run as PostgreSQL prepared statements, so the database plans them once.

A kept query's SQL is the same on every request (core/queries.py); only its parameters
change. Sent as text, PostgreSQL parses and plans it afresh each time: for a page's query by
id that is most of the database's work (on the bench database, 0.21-0.26 ms of server CPU a
query, against 0.04 ms for the same query prepared). So the first time a connection runs a
kept statement it is prepared (`PREPARE kept_3 AS ... $1 ...`), and from then on that
connection sends `EXECUTE kept_3(...)` with the same parameters.

PostgreSQL decides, statement by statement, whether one generic plan serves every value or
each value needs its own: it plans the first five executions for their values and keeps a
generic plan only when it costs about the same. The search walk, whose cost depends on the
words, keeps getting plans of its own (seen with EXPLAIN EXECUTE on the bench database); a
query by id gets a generic plan.

A kept query's constants (a status, a queue's item type: the values its build writes in
whatever it is asked) are written into the prepared statement as the literals the driver
would send unprepared; only the values that change are parameters. A generic plan then sees
`status = 'held'` and can use an index kept for that status alone; with `status = $3` it
cannot, costs a scan of the table, and PostgreSQL plans every execution afresh instead. The
moderation queue's rows cost the database 1.6 ms a view that way (planning, on the profile
database), against 0.1 ms with the status written in.

Prepared statements belong to a connection: a new connection (after CONN_MAX_AGE, or a
dropped one) prepares again. A statement that cannot be prepared (a parameter whose type
PostgreSQL cannot tell) is sent as text from then on. Inside a transaction the PREPARE runs
in a savepoint, so a failure leaves the transaction as it was. PgBouncer in transaction mode
hands each transaction a different server connection, where the statement was never
prepared: set DB_PREPARED_STATEMENTS=0 behind it (CORE_QUERIES_PREPARED = False). A
migration that changes the type of a column a prepared statement returns makes PostgreSQL
refuse that statement on connections that prepared it before ("cached plan must not change
result type") until they are replaced (DB_CONN_MAX_AGE, 60 s): restart the web processes
after such a migration, as a deploy does.

The PREPARE goes through the driver's own cursor, not Django's, so a page's queries as
tests count them are the same whether a statement was prepared now or before. The test
settings turn preparing off, so tests that read the SQL of captured queries see the SQL;
tests/core/test_prepared.py turns it on and compares the pages.
"""

import itertools
import re

from django.conf import settings
from psycopg2 import DataError, NotSupportedError, ProgrammingError

_names: dict = {}  # SQL (and its constants) -> the name it is prepared under on every connection
_counter = itertools.count(1)
_not_preparable: set = set()
_PLACEHOLDER = re.compile(r"%[s%]")


def _placeholders(sql: str) -> int:
    """How many of Django's %s placeholders `sql` holds (%% is a percent sign)."""
    return sum(1 for match in _PLACEHOLDER.finditer(sql) if match.group() == "%s")


def _written_in(sql: str, literals: dict[int, str]) -> str:
    """Django's %s placeholders as PostgreSQL's $1, $2... in order (%% as %), except those at
    the positions `literals` names, written in as those literals."""
    at = itertools.count()
    number = itertools.count(1)

    def placeholder(match) -> str:
        if match.group() == "%%":
            return "%"
        position = next(at)
        return literals[position] if position in literals else f"${next(number)}"

    return _PLACEHOLDER.sub(placeholder, sql)


def _prepared_on(connection) -> set[str]:
    """The names prepared on this Django connection's current database session."""
    raw = connection.connection
    state = getattr(connection, "_core_prepared", None)
    if state is None or state[0] is not raw:
        state = connection._core_prepared = (raw, set())
    return state[1]


class _CannotPrepare(Exception):
    pass


# What PostgreSQL answers when it refuses a statement itself (a parameter whose type it
# cannot tell is a ProgrammingError); anything else, a dropped connection say, is raised.
_REFUSED = (ProgrammingError, NotSupportedError, DataError)


def _prepare(connection, name: str, sql: str, params: tuple, fixed: tuple[int, ...]) -> None:
    """PREPARE `sql` as `name` on this connection, with the parameters at the `fixed`
    positions written in; _CannotPrepare when PostgreSQL refuses the statement itself.
    Other errors are raised as Django's, as the query's own would be."""
    savepoint = connection.in_atomic_block
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        # The literal the driver writes for each value when it sends the SQL unprepared.
        literals = {at: cursor.mogrify("%s", (params[at],)).decode() for at in fixed}
        written = _written_in(sql, literals)
        if savepoint:
            cursor.execute("SAVEPOINT core_prepare")
        try:
            cursor.execute(f"PREPARE {name} AS {written}")
        except _REFUSED as error:
            if savepoint:
                cursor.execute("ROLLBACK TO SAVEPOINT core_prepare")
                cursor.execute("RELEASE SAVEPOINT core_prepare")
            raise _CannotPrepare from error
        if savepoint:
            cursor.execute("RELEASE SAVEPOINT core_prepare")


def _hashable(value):
    return tuple(value) if type(value) is list else value


def statement(connection, sql: str, params, fixed: tuple[int, ...] = ()) -> tuple[str, tuple]:
    """What to send for `sql` with `params` on `connection`: EXECUTE of its prepared
    statement, prepared now if need be, or the SQL itself where preparing is off or failed.
    `fixed`: the positions of the parameters that hold the statement's constants (the same
    on every run of this SQL from its caller), written into the statement instead."""
    params = tuple(params)
    if not settings.CORE_QUERIES_PREPARED or connection.vendor != "postgresql":
        return sql, params
    key = sql
    if fixed:
        try:
            key = (sql, fixed, tuple(_hashable(params[at]) for at in fixed))
            hash(key)
        except TypeError:  # a constant that cannot be part of a key (a list of lists): a parameter
            key, fixed = sql, ()
    if key in _not_preparable:
        return sql, params
    name = _names.get(key)
    if name is None:
        if _placeholders(sql) != len(params):
            _not_preparable.add(key)
            return sql, params
        name = _names.setdefault(key, f"core_kept_{next(_counter)}")
    if connection.needs_rollback:  # the transaction has failed: the query will say so
        return sql, params
    connection.ensure_connection()
    prepared = _prepared_on(connection)
    if name not in prepared:
        try:
            _prepare(connection, name, sql, params, fixed)
        except _CannotPrepare:  # e.g. a parameter whose type PostgreSQL cannot tell
            _not_preparable.add(key)
            return sql, params
        prepared.add(name)
    if fixed:
        params = tuple(value for at, value in enumerate(params) if at not in fixed)
    if not params:
        return f"EXECUTE {name}", params
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params
