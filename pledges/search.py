"""Searching the wall: the planner-probing search, and the plain query it stands in for.

The plain way to search is one full-text condition on the newest-first wall query
(`plain_search`): PostgreSQL tests each pledge's stored, GIN-indexed tsvector (migration
0005). It finds the right pledges, but at a million pledges the planner, seeing the wall's
LIMIT, walks the primary key backwards testing every row: for a rare word that is most of a
second. `search` finds the same pledges faster:

- a word the column's statistics list as common (`_is_common`, about a millisecond of
  EXPLAIN) is searched the plain way: its matches are dense, so the walk finds a page at once;
- several words, each common, are searched the plain way too when the newest pledges hold a
  page of their matches (`_dense`): the planner multiplies the words' frequencies as if they
  never went together, so "night staff" looks rare, and probing it made PostgreSQL intersect
  two posting lists of 50,000-70,000 entries (15-30 ms at a million pledges, against half a
  millisecond for the walk). Words that are common apart but seldom together fail the window
  test and are probed;
- any other word is first probed through the GIN index (`_search_probe`, a bitmap scan of a
  few milliseconds) for at most SEARCH_PROBE_CAP ids, and the wall query becomes `id = ANY(...)`;
  past the cap the word is common after all, and the plain condition is used.

What it saves (docs/performance.md, 23 November 2026, a million pledges): a search page in
one process takes 10-13 ms for rare words and 12 ms for common ones (30-55 ms before common
words skipped the probe); with nothing cached, `make bench` served 83 searches a second at
p50 192 ms with no time-outs. tests/pledges/test_search.py checks that `search` and
`plain_search` find the same pledges, common words included.
"""

import json
import re

from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from core.kept import kept_answer

from .models import Pledge

# Up to this many matches, search fetches the matching ids from the GIN index; beyond it
# the words are common enough that walking the newest pledges finds a page quickly.
SEARCH_PROBE_CAP = 1000

# The stored, GIN-indexed tsvector made by migration 0005 (PostgreSQL only; not on the model,
# so ordinary queries never fetch it).
_MATCH = f"{Pledge._meta.db_table}.search_document @@ websearch_to_tsquery('english'::regconfig, %s)"
_AMONG = f"{Pledge._meta.db_table}.id = ANY(%s)"

# A word no pledge contains: the planner's estimate for it is its floor for any word it
# keeps no statistics on.
_UNSEEN_WORD = "qzxjvkwq"
# Estimates are kept this long in each process: the column's statistics move only when
# ANALYZE runs.
ESTIMATE_KEPT = 600  # seconds


def _estimated_matches(q: str) -> float:
    """The planner's row estimate for `q`, from the column's statistics: about a millisecond."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {Pledge._meta.db_table} WHERE {_MATCH}", [q])
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _is_common(q: str) -> bool:
    """True when the statistics list `q`'s words among the column's most common.

    ANALYZE keeps the frequencies of the most common lexemes of a tsvector column; a word
    outside that list is estimated at half the rarest listed frequency. So an estimate of at
    least twice the unseen word's means every word of `q` is listed: matches are dense and
    walking the newest pledges finds a page at once, with no need to probe the index first.
    """
    return _kept_estimate(q) >= 2 * max(_kept_estimate(_UNSEEN_WORD), 1.0)


def _kept_estimate(q: str) -> float:
    return kept_answer("estimate", q, lambda: _estimated_matches(q), ESTIMATE_KEPT)


# Several common words are walked when this many of the newest published pledges hold at
# least a page of their matches (a page is 20 and one more to know there is an older page).
DENSE_WINDOW = 5000
DENSE_MATCHES = 21
# Plain words only: quotes, `or` and `-word` keep their meaning in the probe.
_PLAIN_WORDS = re.compile(r"[\w']+(?: [\w']+)+")


def _every_word_common(q: str) -> bool:
    words = q.lower().split()
    return bool(_PLAIN_WORDS.fullmatch(" ".join(words))) and "or" not in words and all(_is_common(w) for w in words)


def _dense(q: str) -> bool:
    """True when the newest DENSE_WINDOW published pledges hold DENSE_MATCHES of `q`'s
    matches: a walk back from the newest finds a page within a few thousand rows. About 3-6
    ms at a million pledges, kept per process like the estimates."""

    def count() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT search_document FROM {Pledge._meta.db_table} WHERE status = %s"
                f" ORDER BY id DESC LIMIT %s) AS {Pledge._meta.db_table} WHERE {_MATCH}",
                [Pledge.Status.PUBLISHED, DENSE_WINDOW, q],
            )
            return cursor.fetchone()[0] >= DENSE_MATCHES

    return kept_answer("dense", q, count, ESTIMATE_KEPT)


def _search_probe(q: str) -> list[int]:
    """Ids of published pledges matching `q`, at most SEARCH_PROBE_CAP, read through the GIN index.

    The planner, seeing LIMIT, likes to walk the primary key backwards and test every row,
    which takes most of a second for a rare word in a million rows; a bitmap scan of the index
    takes milliseconds, so this one query is told to use it.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # The settings (local to this transaction) and the query in one round trip: the rows
        # are the last statement's.
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; "
            f"SELECT id FROM {Pledge._meta.db_table} WHERE status = %s AND {_MATCH} LIMIT %s",
            [Pledge.Status.PUBLISHED, q, SEARCH_PROBE_CAP],
        )
        return [row[0] for row in cursor.fetchall()]


def _words(q: str) -> str:
    return (q or "").strip()[:200]


def plain_search(queryset: QuerySet[Pledge], q: str) -> QuerySet[Pledge]:
    """The pledges of `queryset` matching `q`: one full-text condition, no probing."""
    return matching(queryset, words=_words(q), ids=[])


def matching(queryset: QuerySet[Pledge], *, words: str, ids: list[int]) -> QuerySet[Pledge]:
    """The pledges of `queryset` among `ids` (the probe's), or matching `words` (tidied); all
    of them when both are empty. The ids go in as one array parameter, so a kept query
    (core/queries.py) keeps its SQL for any ids."""
    if ids:
        # A constant; the ids go in as one parameter.
        return queryset.filter(RawSQL(_AMONG, [ids], output_field=BooleanField()))  # noqa: S611
    if not words:
        return queryset
    if connection.vendor != "postgresql":
        return queryset.filter(text__icontains=words)
    # _MATCH is a constant; the words go in as a query parameter.
    return queryset.filter(RawSQL(_MATCH, [words], output_field=BooleanField()))  # noqa: S611


def search_terms(q: str) -> dict | None:
    """How to find the pledges matching `q`, as `matching`'s keywords: {"words": ..., "ids":
    ...}; None when the probe found nothing, so nothing matches."""
    q = _words(q)
    if q and connection.vendor == "postgresql" and not _is_common(q) and not (_every_word_common(q) and _dense(q)):
        ids = _search_probe(q)
        if not ids:
            return None
        if len(ids) < SEARCH_PROBE_CAP:
            return {"words": "", "ids": ids}
    # Common words, or common words found together: walking the newest pledges finds a page
    # of matches within a few thousand rows, each tested against its stored tsvector.
    return {"words": q, "ids": []}


def search(queryset: QuerySet[Pledge], q: str) -> QuerySet[Pledge]:
    """The same pledges as `plain_search`, found quickly whether `q` is a rare word or a common one."""
    terms = search_terms(q)
    return queryset.none() if terms is None else matching(queryset, **terms)
