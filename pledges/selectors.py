"""Reused reads: the wall, the current campaign and its totals. No COUNT(*) over pledges here."""

import json
import time
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from accounts.choices import Region
from counters.services import counter_values, counter_values_with_prefix

from .cache import kept_current_campaign
from .models import Campaign, Pledge, Theme

WALL_PAGE_SIZE = 20


def current_campaign() -> Campaign | None:
    """The campaign the form and totals are for (kept a few seconds per process: see cache.py)."""
    return kept_current_campaign(lambda: Campaign.objects.filter(is_current=True).first())


def campaign_totals(campaign: Campaign | None) -> dict:
    if campaign is None:
        return {"pledges": 0, "people": 0, "done": 0, "by_theme": {}, "by_region": {}}
    base = f"pledges:{campaign.pk}"
    everything = counter_values_with_prefix(f"{base}:")
    by_theme = {k.rsplit(":", 1)[1]: v for k, v in everything.items() if k.startswith(f"{base}:theme:") and v}
    by_region = {k.rsplit(":", 1)[1]: v for k, v in everything.items() if k.startswith(f"{base}:region:") and v}
    return {
        "pledges": everything.get(f"{base}:total", 0),
        "people": everything.get(f"{base}:people", 0),
        "done": everything.get(f"{base}:done", 0),
        "by_theme": by_theme,
        "by_region": by_region,
    }


def totals_for(campaigns) -> dict[int, int]:
    keys = {c.pk: f"pledges:{c.pk}:total" for c in campaigns}
    values = counter_values(keys.values())
    return {pk: values[key] for pk, key in keys.items()}


def public_pledges() -> QuerySet[Pledge]:
    return Pledge.objects.filter(status__in=Pledge.PUBLIC).select_related("theme", "campaign")


# Up to this many matches, search fetches the matching ids from the GIN index; beyond it
# the words are common enough that walking the newest pledges finds a page quickly.
SEARCH_PROBE_CAP = 1000

# The stored, GIN-indexed tsvector made by migration 0005 (PostgreSQL only; not on the model,
# so ordinary queries never fetch it).
_MATCH = f"{Pledge._meta.db_table}.search_document @@ websearch_to_tsquery('english'::regconfig, %s)"

# A word no pledge contains: the planner's estimate for it is its floor for any word it
# keeps no statistics on. Re-read every ten minutes (ANALYZE moves it).
_UNSEEN_WORD = "qzxjvkwq"
_unseen_estimate: tuple[float, float] = (0.0, 0.0)  # (read at, estimated rows)


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
    global _unseen_estimate
    now = time.monotonic()
    if now - _unseen_estimate[0] > 600:
        _unseen_estimate = (now, _estimated_matches(_UNSEEN_WORD))
    return _estimated_matches(q) >= 2 * max(_unseen_estimate[1], 1.0)


def _search_probe(q: str) -> list[int]:
    """Ids of published pledges matching `q`, at most SEARCH_PROBE_CAP, read through the GIN index.

    The planner, seeing LIMIT, likes to walk the primary key backwards and test every row,
    which takes most of a second for a rare word in a million rows; a bitmap scan of the index
    takes milliseconds, so this one query is told to use it.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute(
            f"SELECT id FROM {Pledge._meta.db_table} WHERE status = %s AND {_MATCH} LIMIT %s",
            [Pledge.Status.PUBLISHED, q, SEARCH_PROBE_CAP],
        )
        return [row[0] for row in cursor.fetchall()]


def search(queryset: QuerySet[Pledge], q: str) -> QuerySet[Pledge]:
    q = (q or "").strip()[:200]
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        if not _is_common(q):
            ids = _search_probe(q)
            if len(ids) < SEARCH_PROBE_CAP:
                return queryset.filter(id__in=ids)
        # Common words: walking the newest pledges finds a page of matches within a few
        # thousand rows, each tested against its stored tsvector.
        # _MATCH is a constant; the words go in as a query parameter.
        return queryset.filter(RawSQL(_MATCH, [q], output_field=BooleanField()))  # noqa: S611
    return queryset.filter(text__icontains=q)


# A search or filter says how many pledges match, counting at most this many plus one
# ("more than 1,000"), and giving up after MATCH_COUNT_TIMEOUT_MS: no COUNT(*) over the table.
MATCH_COUNT_CAP = 1000
MATCH_COUNT_TIMEOUT_MS = 100


def match_count(queryset: QuerySet[Pledge], *, cap: int = MATCH_COUNT_CAP) -> int | None:
    """How many rows match, up to `cap` + 1; None when counting would take too long.

    `SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)` stops at the cap. A rare word has
    already become `id IN (<at most 999 ids>)` (see `search`), so counting it reads those rows
    only; a common word's matches are dense, so the scan reaches the cap within a few thousand
    rows. Between the two (a word in, say, one pledge in a thousand, with filters that leave
    few of them) the scan could walk much of the table to find cap + 1: the statement timeout
    bounds that, and the page then shows its matches without a number.
    """
    capped = queryset.order_by().values("id")[: cap + 1]
    if connection.vendor != "postgresql":
        return capped.count()
    try:
        sql, params = capped.query.sql_with_params()
    except EmptyResultSet:  # e.g. a search whose probe found nothing: `id IN ()`
        return 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # One round trip: the timeout (local to this transaction) and the capped count.
            cursor.execute(
                f"SET LOCAL statement_timeout = {int(MATCH_COUNT_TIMEOUT_MS)}; SELECT COUNT(*) FROM ({sql}) AS capped",
                params,
            )
            n = cursor.fetchone()[0]
            # Rolling back (a read) takes the timeout away with it, even inside a longer transaction.
            transaction.set_rollback(True)
            return n
    except OperationalError:  # cancelled by the timeout
        return None


@dataclass
class WallPage:
    pledges: list[Pledge]
    newer: int | None  # cursor for the page before (after=<id>)
    older: int | None  # cursor for the page after (before=<id>)


def wall_page(
    queryset: QuerySet[Pledge], *, before: int | None = None, after: int | None = None, size: int = WALL_PAGE_SIZE
) -> WallPage:
    """Keyset paging by id: every page costs the same, however deep (no OFFSET, no COUNT)."""
    if after is not None:
        rows = list(queryset.filter(id__gt=after).order_by("id")[: size + 1])
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        return WallPage(rows, rows[0].pk if has_newer and rows else None, rows[-1].pk if rows else None)
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.order_by("-id")[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    return WallPage(rows, rows[0].pk if before is not None and rows else None, rows[-1].pk if has_older else None)


def themes() -> list[Theme]:
    return list(Theme.objects.filter(is_active=True))


def home_summary() -> dict:
    campaign = current_campaign()
    totals = campaign_totals(campaign)
    recent = list(public_pledges().filter(campaign=campaign).order_by("-id")[:3]) if campaign else []
    region_labels = dict(Region.choices)
    return {
        "campaign": campaign,
        "pledges": totals["pledges"],
        "people": totals["people"],
        "done": totals["done"],
        "recent": recent,
        "by_region": {region_labels.get(k, k): v for k, v in totals["by_region"].items()},
    }


def milestone_part_names(key: str, parts: list[str]) -> list[str]:
    """Words for the * parts of a pledge total's key, for milestone labels: the campaign's
    name for its id ("pledges:3:region:london" -> ["Change Day 2027", "London"])."""
    words = []
    for position, part in enumerate(parts):
        if position == 0 and part.isdigit():
            words.append(Campaign.objects.filter(pk=int(part)).values_list("name", flat=True).first() or "a campaign")
        elif part in Region.values:
            words.append(str(Region(part).label))
        else:
            words.append(part.replace("-", " "))
    return words
