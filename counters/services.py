"""Kept totals. Page requests read these instead of running COUNT(*) over big tables.

Writers call counter_add inside the transaction that changes the counted rows, so a
total is exact as soon as that transaction commits. The nightly recount compares each
total with the truth and repairs and logs any drift.
"""

import logging
import random
from collections.abc import Callable, Iterable
from functools import partial

from django.db import connection, transaction

from core import prepared

from .models import Counter

logger = logging.getLogger(__name__)

SHARDS = 8

# prefix -> function returning {key: true value} for every key under that prefix.
_recounters: dict[str, Callable[[], dict[str, int]]] = {}


def register_recount(prefix: str, fn: Callable[[], dict[str, int]]) -> None:
    _recounters[prefix] = fn


def counter_add(key: str, amount: int = 1) -> None:
    counters_add({key: amount})


def counters_add(amounts: dict[str, int]) -> None:
    """Add to several totals at once (one statement per key, each on a random shard)."""
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        for key, amount in sorted(amounts.items()):
            if not amount:
                continue
            cursor.execute(
                f"INSERT INTO {table} (key, shard, value) VALUES (%s, %s, %s) "
                f"ON CONFLICT (key, shard) DO UPDATE SET value = {table}.value + EXCLUDED.value",
                [key, random.randrange(SHARDS), amount],
            )
    grown = sorted(key for key, amount in amounts.items() if amount > 0)
    if grown:
        # Milestones are checked once the change is visible to everyone, never before.
        transaction.on_commit(partial(_check_milestones, grown))


def _check_milestones(keys: list[str]) -> None:
    from .milestones import milestones_check

    try:
        milestones_check(keys=keys)
    except Exception:
        # The counted change has committed; a failed check must not fail the request.
        # The nightly recount checks every total again.
        logger.exception("milestones: check failed for %s", keys)


def counter_value(key: str) -> int:
    return counter_values([key])[key]


# Totals are read on nearly every page, so the two reads below are written as SQL: the
# ORM spent about 0.4 ms building each grouped query, more than PostgreSQL spends on it.
def _sums(where: str, params: list) -> dict[str, int]:
    # Pages read the same few statements on every request: prepared once per connection.
    sql = f"SELECT key, SUM(value) FROM {Counter._meta.db_table} WHERE {where} GROUP BY key"
    with connection.cursor() as cursor:
        cursor.execute(*prepared.statement(connection, sql, params))
        return {key: int(total or 0) for key, total in cursor.fetchall()}


def counter_values(keys: Iterable[str]) -> dict[str, int]:
    keys = list(keys)
    totals = dict.fromkeys(keys, 0)
    if keys:
        totals.update(_sums(f"key IN ({', '.join(['%s'] * len(keys))})", keys))
    return totals


def counter_values_with_prefix(prefix: str) -> dict[str, int]:
    """Every total under a prefix, for breakdowns: {'pledges:c1:region:london': 12, ...}."""
    if connection.vendor == "postgresql" and prefix.isascii() and "\x00" < prefix[-1:] < "\x7f":
        # The keys from the prefix up to the next string of its length, compared byte by
        # byte as the key index is ordered. PostgreSQL plans this once for every prefix;
        # LIKE with a parameter it plans afresh on each read, as its generic plan reads the
        # whole table (0.15 ms of its CPU a read on the profiling database, 0.09 as a range).
        # The operators are PostgreSQL's; SQLite (make run) reads with LIKE.
        return _sums("key ~>=~ %s AND key ~<~ %s", [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)])
    # LIKE's own characters in the prefix stand for themselves (keys have underscores).
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _sums("key LIKE %s ESCAPE '\\'", [escaped + "%"])


def counter_set(key: str, value: int) -> None:
    with transaction.atomic():
        Counter.objects.filter(key=key).delete()
        Counter.objects.create(key=key, shard=0, value=value)


def counters_recount(
    *, prefixes: Iterable[str] | None = None, dry_run: bool = False, milestones: bool = True
) -> dict[str, tuple[int, int]]:
    """Compare kept totals with the truth; repair and report each drift as key -> (kept, true).

    `milestones=False` repairs without checking milestones (demo data, loaded in bulk, leaves
    them to the mail demo)."""
    drift: dict[str, tuple[int, int]] = {}
    for prefix, fn in sorted(_recounters.items()):
        if prefixes is not None and prefix not in prefixes:
            continue
        with transaction.atomic():
            truth = fn()
            kept = counter_values_with_prefix(prefix)
            for key in sorted(set(truth) | set(kept)):
                true_value, kept_value = truth.get(key, 0), kept.get(key, 0)
                if true_value != kept_value:
                    drift[key] = (kept_value, true_value)
                    if not dry_run:
                        counter_set(key, true_value)
    if milestones and not dry_run:
        from .milestones import milestones_check_all

        reached = milestones_check_all()
        if reached:
            logger.info("recount: %s milestones reached", len(reached))
    if drift:
        logger.warning("recount: %s totals drifted%s: %s", len(drift), " (dry run)" if dry_run else ", repaired", drift)
    else:
        logger.info("recount: no drift in %s groups", len(_recounters))
    return drift
