"""Reused reads: the wall, the current campaign and its totals. No COUNT(*) over pledges here."""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from accounts.choices import Region
from core.fragments import row_fragment
from core.kept import frozen, kept_answer
from core.queries import KeptQuery, kept_query
from counters.services import counter_values, counter_values_with_prefix

from . import keys as pledge_keys
from . import microcache
from .cache import kept_campaign_and_theme, kept_campaigns_and_themes, kept_current_campaign
from .models import Campaign, Pledge, Theme
from .search import matching, search_terms

WALL_PAGE_SIZE = 20


def current_campaign() -> Campaign | None:
    """The campaign the form and totals are for (kept a few seconds per process: see cache.py)."""
    return kept_current_campaign(lambda: Campaign.objects.filter(is_current=True).first())


def pledge_counters(prefix: str, *keys: str, shape: Callable[[dict[str, int]], Any] | None = None) -> Any:
    """Every kept total under `prefix`, and the totals `keys`, read once per version of the
    public pages (pledges/microcache.py) and kept at most as long as a cached page.
    Publishing, hiding, withdrawing, marking done or erasing a pledge moves the version, so
    the totals are read again at once in this process and within a second in the others, as
    the cached pages are; other changes (an answer to the follow-up questions) show within
    the micro-cache's TTL, as on a cached page. The wall, search, the impact page and an
    employer's page read them on every view, as one FrozenDict per version that every
    request of the process shares. `shape(totals)`, when given, is what is kept
    and returned, worked out once per version too: a module's function, or a
    functools.partial of one, as its repr is part of the key (a new closure each view would
    never be found again)."""

    def read() -> Any:
        totals = {**counter_values_with_prefix(prefix), **(counter_values(keys) if keys else {})}
        return frozen(shape(totals) if shape else totals)

    seconds = settings.PLEDGES_TOTALS_KEPT
    if seconds <= 0:
        return read()
    try:
        version = microcache.version()
    except Exception:  # noqa: BLE001 - the shared cache is down: read them, as the pages are rendered
        return read()
    return kept_answer("pledge-counters", (prefix, keys, version) + ((shape,) if shape else ()), read, seconds)


def campaign_counters(campaign_id: int) -> dict[str, int]:
    """Every kept total of the campaign ({'pledges:3:region:london': 12, ...})."""
    return pledge_counters(pledge_keys.campaign(campaign_id))


def campaign_totals(campaign: Campaign | None) -> dict:
    """The campaign's totals, and its pledges by theme and by region, as the wall, its
    search and the counts show them: made from campaign_counters once per version (about
    35 µs a view when they were made on every view)."""
    if campaign is None:
        return {"pledges": 0, "people": 0, "done": 0, "by_theme": {}, "by_region": {}}
    return pledge_counters(pledge_keys.campaign(campaign.pk), shape=functools.partial(_campaign_totals, campaign.pk))


def _campaign_totals(pk: int, everything: dict[str, int]) -> dict:
    def breakdown(name: str) -> dict[str, int]:
        prefix = pledge_keys.facet_prefix(pk, name)
        return {pledge_keys.last_part(k): v for k, v in everything.items() if k.startswith(prefix) and v}

    return {
        "pledges": everything.get(pledge_keys.total(pk), 0),
        "people": everything.get(pledge_keys.people(pk), 0),
        "done": everything.get(pledge_keys.done(pk), 0),
        "by_theme": breakdown("theme"),
        "by_region": breakdown("region"),
    }


def totals_for(campaigns) -> dict[int, int]:
    keys = {c.pk: pledge_keys.total(c.pk) for c in campaigns}
    values = counter_values(keys.values())
    return {pk: values[key] for pk, key in keys.items()}


def public_pledges() -> QuerySet[Pledge]:
    return Pledge.objects.filter(status__in=Pledge.PUBLIC).select_related("theme", "campaign")


# The columns a pledge card shows (pledges/_pledge_card.html): the wall reads only these,
# not the 40-odd of a pledge and its campaign. A card reading any other column would cost a
# query per card, which tests/core/test_fragments.py catches.
CARD_FIELDS = (
    "id",
    "text",
    "show_name",
    "name",
    "job_role",
    "region",
    "joins_count",
    "done_at",
    "done_story",
    "theme__name",
)
# What the wall's query reads for them: the theme's id, given its name from the themes the
# view already holds (the kept lists, pledges/cache.py), as a pledge's page takes its theme.
# Joining pledges_theme for the name was half of PostgreSQL's planning of the walk (0.16 →
# 0.10 ms a search). A renamed theme shows on the cards within the lists' few seconds
# (PLEDGES_CAMPAIGN_TTL), as it does in the filter's select on the same page.
_WALL_COLUMNS = (*CARD_FIELDS[:-1], "theme")


# A search or filter says how many pledges match, counting at most this many plus one
# ("more than 1,000"), and giving up after MATCH_COUNT_TIMEOUT_MS: no COUNT(*) over the table.
MATCH_COUNT_CAP = 1000
MATCH_COUNT_TIMEOUT_MS = 100
MATCH_COUNT_KEPT = 30  # seconds
# A count past the cap ("more than 1,000") stays true until hundreds of those pledges go:
# kept this long. For common words it is the costliest query of a search (15-30 ms at a
# million pledges, walking some 20,000 rows to find 1,001 matches).
MATCH_COUNT_PAST_CAP_KEPT = 600  # seconds


def match_count(queryset: QuerySet[Pledge], *, cap: int = MATCH_COUNT_CAP) -> int | None:
    """How many rows match, up to `cap` + 1; None when counting would take too long.

    `SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)` stops at the cap. A rare word has
    already become `id = ANY(<at most 999 ids>)` (see pledges/search.py), so counting it reads those rows
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
    except EmptyResultSet:  # e.g. a filter on an empty list
        return 0
    return _kept_capped_count(sql, params, cap)


def kept_match_count(kept: KeptQuery, *, cap: int = MATCH_COUNT_CAP, **values) -> int | None:
    """match_count of a kept query's rows, from its kept SQL (no compiling once seen)."""
    statement = kept.count_statement(cap + 1, **values) if connection.vendor == "postgresql" else None
    if statement is None:
        return match_count(kept.build(**values), cap=cap)
    return _kept_capped_count(*statement, cap)


def _kept_capped_count(sql: str, params, cap: int) -> int | None:
    # The same words and filters within MATCH_COUNT_KEPT seconds reuse the count (this
    # process's memory): counting reads up to cap + 1 rows, most of a search's database time.
    # A count that gave up is kept too, so the page does not wait out the timeout again.
    def seconds(count: int | None) -> float:
        return MATCH_COUNT_PAST_CAP_KEPT if count is not None and count > cap else MATCH_COUNT_KEPT

    return kept_answer("match-count", (sql, params), lambda: _capped_count(sql, params), seconds)


def _capped_count(sql: str, params) -> int | None:
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


@dataclass(frozen=True)
class Card:
    """A pledge on the wall: its id and its card, rendered."""

    pk: int
    html: SafeString


def pledge_card(row: tuple) -> Card:
    """The card for a row of CARD_FIELDS, kept rendered per process under the row's values
    (core/fragments.py row_fragment): the wall's rows are read as plain values, and a
    Pledge is made from them only when its card is rendered."""
    return Card(row[0], row_fragment("pledges/_pledge_card.html", "pledge", Pledge, CARD_FIELDS, row))


@dataclass
class WallPage:
    pledges: list[Card]
    newer: int | None  # cursor for the page before (after=<id>)
    older: int | None  # cursor for the page after (before=<id>)

    @property
    def html(self) -> SafeString:
        """The cards one after another, as the page shows them: one string for the template,
        not a loop of twenty variables each escaped as it goes."""
        return SafeString("".join(card.html for card in self.pledges))


def wall_page(
    terms: dict, *, before: int | None = None, after: int | None = None, themes: list[Theme] | None = None
) -> WallPage:
    """Keyset paging by id: every page costs the same, however deep (no OFFSET, no COUNT).
    `terms` are _wall_matching's keywords (WallFilters.terms); `themes` the view's (from
    wall_choices() when not given)."""
    size = WALL_PAGE_SIZE
    rows = _with_theme_names(_wall_rows(before=before or 0, after=after or 0, **terms), themes)
    if after is not None:
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        cards = [pledge_card(row) for row in rows]
        return WallPage(cards, cards[0].pk if has_newer and cards else None, cards[-1].pk if cards else None)
    has_older = len(rows) > size
    cards = [pledge_card(row) for row in rows[:size]]
    return WallPage(cards, cards[0].pk if before is not None and cards else None, cards[-1].pk if has_older else None)


def _with_theme_names(rows: list[tuple], themes: list[Theme] | None) -> list[tuple]:
    """Rows of _WALL_COLUMNS as rows of CARD_FIELDS: each theme's id given its name (read
    from the database for a theme added since the lists were read)."""
    names = {theme.pk: theme.name for theme in (wall_choices()[1] if themes is None else themes)}
    if missing := {row[-1] for row in rows} - names.keys():
        names |= dict(Theme.objects.filter(pk__in=missing).values_list("pk", "name"))
    return [(*row[:-1], names[row[-1]]) for row in rows]


# The wall's queries are kept (core/queries.py): the filters and search terms are their
# keywords, an empty one ("" or 0 or []) meaning that filter is not asked for.


@kept_query
def _wall_matching(
    *, campaign_id: int, theme_id: int, job_role: str, sector: str, region: str, kind: str, words: str, ids: list[int]
) -> QuerySet[Pledge]:
    """The public pledges matching the wall's filters and search (_wall_rows reads their
    cards' columns; the match count, their ids)."""
    found = Pledge.objects.filter(status__in=Pledge.PUBLIC)
    equals = {"job_role": job_role, "sector": sector, "region": region, "kind": kind}
    found = found.filter(**{name: value for name, value in equals.items() if value})
    if campaign_id:
        found = found.filter(campaign=campaign_id)
    if theme_id:
        found = found.filter(theme=theme_id)
    return matching(found, words=words, ids=ids)


@kept_query
def _wall_rows(*, before: int, after: int, **terms) -> QuerySet[Pledge]:
    """One page of _wall_matching and one row more (to know there is another page), as rows of
    _WALL_COLUMNS."""
    found = _wall_matching.build(**terms)
    found = found.values_list(*_WALL_COLUMNS)
    if after:
        return found.filter(id__gt=after).order_by("id")[: WALL_PAGE_SIZE + 1]
    if before:
        found = found.filter(id__lt=before)
    return found.order_by("-id")[: WALL_PAGE_SIZE + 1]


# --- The wall ------------------------------------------------------------------------

# WallFilterForm field -> Pledge field, for the filters that are a plain equality.
_WALL_EQUALS = {"role": "job_role", "sector": "sector", "region": "region", "kind": "kind"}


def _campaigns_and_themes() -> tuple[list[Campaign], list[Theme]]:
    return list(Campaign.objects.all()), list(Theme.objects.all())


def wall_choices() -> tuple[list[Campaign], list[Theme]]:
    """Every campaign and theme, loaded once: the filter form's choices and the filters' objects."""
    return kept_campaigns_and_themes(_campaigns_and_themes)


def active_theme(pk) -> Theme | None:
    """The active theme with this id, from the kept lists (read from the database for one
    added since they were read); None for no such theme or a retired one."""
    if type(pk) is not int:
        return None
    _, theme = kept_campaign_and_theme(_campaigns_and_themes, 0, pk)
    if theme is None:
        theme = Theme.objects.filter(pk=pk).first()
    return theme if theme is not None and theme.is_active else None


# What a pledge's page reads: the columns it shows of the pledge and the two rows it joins,
# not all their columns (Django's query compiler works per column and per join; the page's
# one query cost a third of its time). Its campaign and theme come from the kept lists.
# Its SQL is compiled once per process (core/queries.py). tests/pledges/test_wall.py renders
# a pledge with all of it and counts one query.
DETAIL_FIELDS = (
    *("id", "text", "kind", "job_role", "region", "show_name", "name", "done_at", "done_story", "joins_count"),
    *("status", "user", "email_normalised", "campaign", "theme", "joined_from__status"),
    *("organisation__name", "organisation__slug", "organisation__verified_at"),
)


@kept_query
def _public_pledge(pk: int) -> QuerySet[Pledge]:
    return (
        Pledge.objects.select_related("joined_from", "organisation")
        .only(*DETAIL_FIELDS)
        .filter(pk=pk, status__in=Pledge.PUBLIC)
        .order_by()[:1]
    )


def pledge_for_page(pk: int) -> Pledge | None:
    """The public pledge a pledge's page shows, with what it shows of the rows it links to:
    its campaign and theme taken from the kept lists, not joined in its query (each join
    costs the page about 0.4 ms of CPU in Django's query compiler). One not in the lists
    (added since they were read) is loaded as usual when first read."""
    pledge = _public_pledge.first(pk=pk)
    if pledge is None:
        return None
    campaign, theme = kept_campaign_and_theme(_campaigns_and_themes, pledge.campaign_id, pledge.theme_id)
    # As select_related fills them in: straight into the pledge's cache of related rows.
    if campaign is not None:
        Pledge.campaign.field.set_cached_value(pledge, campaign)
    if theme is not None:
        Pledge.theme.field.set_cached_value(pledge, theme)
    return pledge


@dataclass(frozen=True)
class WallFilters:
    """What the wall is filtered by, from WallFilterForm's valid values (`form.filters()`).

    Campaign and theme come as slugs and are matched against the lists the view already
    loaded, so reading the filters costs no query. No campaign given means the current one.
    """

    campaign: Campaign | None
    theme: Theme | None = None
    q: str = ""
    equals: dict[str, str] = field(default_factory=dict)  # Pledge field -> value
    given: frozenset[str] = frozenset()  # the form fields that had a value

    @classmethod
    def from_form(cls, values: dict, *, campaigns: list[Campaign], themes: list[Theme]) -> "WallFilters":
        current = next((c for c in campaigns if c.is_current), None)
        return cls(
            campaign=next((c for c in campaigns if c.slug == values.get("campaign")), current),
            theme=next((t for t in themes if t.slug == values.get("theme")), None),
            q=values.get("q", ""),
            equals={field: values[key] for key, field in _WALL_EQUALS.items() if values.get(key)},
            given=frozenset(key for key, value in values.items() if value),
        )

    @property
    def filtered(self) -> bool:
        """Anything asked for beyond which campaign to show."""
        return bool(self.given - {"campaign"})

    @property
    def filtered_beyond_search(self) -> bool:
        return bool(self.given - {"campaign", "q"})

    def terms(self) -> dict | None:
        """The wall's query keywords for these filters (see _wall_matching); None when the
        search already knows nothing matches."""
        found = search_terms(self.q)
        if found is None:
            return None
        equals = {field: self.equals.get(field, "") for field in _WALL_EQUALS.values()}
        return {
            "campaign_id": self.campaign.pk if self.campaign else 0,
            "theme_id": self.theme.pk if self.theme else 0,
            **equals,
            **found,
        }


def _largest_first(counts: dict[str, int], names: dict[str, str]) -> list[tuple[str, int]]:
    return sorted(((names.get(k, k), v) for k, v in counts.items()), key=lambda item: -item[1])


def _page_url(query: dict, cursor: str, value: int | None) -> str | None:
    return f"?{urlencode({**query, cursor: value})}" if value else None


def wall_context(
    filters: WallFilters,
    *,
    campaigns: list[Campaign],
    themes: list[Theme],
    before: int | None = None,
    after: int | None = None,
    query: dict | None = None,
) -> dict:
    """Everything the wall page shows for these filters, as template context.

    `query` is the request's query string without its cursor, kept in the paging links.
    """
    terms = filters.terms()
    page = WallPage([], None, None) if terms is None else wall_page(terms, before=before, after=after, themes=themes)
    campaign = filters.campaign
    current = next((c for c in campaigns if c.is_current), None)
    totals = campaign_totals(campaign)
    target = campaign.target if campaign else None
    query = query or {}
    return {
        "page": page,
        "campaign": campaign,
        "current": current,
        "filtered": filters.filtered,
        "search_words": filters.q,
        "filtered_beyond_search": filters.filtered_beyond_search,
        # Counted only for a search, and at most to the cap (see match_count).
        "matches": (kept_match_count(_wall_matching, **terms) if terms else 0) if filters.q else None,
        "match_cap": MATCH_COUNT_CAP,
        "totals": totals,
        "target": target,
        "target_percent": min(100, round(100 * totals["pledges"] / target)) if target else None,
        "by_theme": _largest_first(totals["by_theme"], {t.slug: t.name for t in themes}),
        "by_region": _largest_first(totals["by_region"], dict(Region.choices)),
        "newer_url": _page_url(query, "after", page.newer),
        "older_url": _page_url(query, "before", page.older),
        "open_now": bool(current and current.is_open()),
    }


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
