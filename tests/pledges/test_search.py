"""The planner-probing search (pledges/search.py) finds exactly what the plain query finds."""

import pytest
from django.core.cache import caches
from django.db import connection, transaction

from pledges import search
from pledges.models import Pledge
from pledges.selectors import public_pledges

from .factories import PledgeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgres]

QUERIES = [
    "week",  # common: in most pledges, listed in the column's statistics
    "weeks",  # the same word, stemmed
    "learn",  # in every pledge
    "language",  # rare
    "sign language",  # two words, rare together
    '"sign language"',  # a phrase
    "language OR sepsis",
    "makaton",  # one public pledge, two that are not
    "week -thing",  # common, with a word left out
    "nothingmatchesthis",
    "the",  # a stop word: matches nothing
    "  ",  # blank: no search
]


@pytest.fixture
def pledges(campaign):
    for i in range(150):
        PledgeFactory(text=f"I will learn one new thing a week, week {i}")
    PledgeFactory(text="I will learn sign language")
    PledgeFactory(text="I will learn the signs of sepsis")
    PledgeFactory(text="I will use Makaton with the team")
    # Matching, but not public: neither path may show them.
    PledgeFactory(text="I will learn Makaton signs", held=True)
    PledgeFactory(text="I will teach Makaton", unconfirmed=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pledges_pledge")
    caches["local"].clear()  # re-read the planner's estimates after ANALYZE


def _ids(queryset) -> list[int]:
    return list(queryset.order_by("-id").values_list("id", flat=True))


def test_both_paths_of_the_probing_search_are_taken(pledges):
    assert search._is_common("week")
    assert not search._is_common("language")


@pytest.mark.parametrize("q", QUERIES)
def test_probing_search_finds_what_the_plain_query_finds(pledges, q):
    found = _ids(search.search(public_pledges(), q))
    assert found == _ids(search.plain_search(public_pledges(), q))
    assert all(Pledge.objects.get(pk=pk).is_public for pk in found)


def _probe_fails(q):
    raise AssertionError(f"probed {q!r}")


def test_common_words_found_together_are_walked_not_probed(pledges, monkeypatch):
    # As at a million pledges: each word listed as common, the pair taken for rare.
    monkeypatch.setattr(search, "_is_common", lambda q: " " not in q)
    monkeypatch.setattr(search, "_search_probe", _probe_fails)
    found = _ids(search.search(public_pledges(), "learn week"))
    assert len(found) == 150
    assert found == _ids(search.plain_search(public_pledges(), "learn week"))


@pytest.mark.parametrize("q", ["makaton week", "sign language", "learn -week", '"learn week"', "learn or week"])
def test_words_seldom_together_or_not_plain_words_are_probed(pledges, monkeypatch, q):
    monkeypatch.setattr(search, "_is_common", lambda q: " " not in q)
    probed, probe = [], search._search_probe
    monkeypatch.setattr(search, "_search_probe", lambda q: probed.append(q) or probe(q))
    assert _ids(search.search(public_pledges(), q)) == _ids(search.plain_search(public_pledges(), q))
    assert probed == [q]


def test_the_window_decides_what_is_dense(pledges, monkeypatch):
    assert search._dense("learn week")
    caches["local"].clear()
    monkeypatch.setattr(search, "DENSE_WINDOW", 20)  # 20 newest: too few to hold 21 matches
    assert not search._dense("learn week")
    caches["local"].clear()
    monkeypatch.setattr(search, "DENSE_WINDOW", 5000)
    monkeypatch.setattr(search, "DENSE_MATCHES", 151)  # more than ever match
    assert not search._dense("learn week")


@pytest.mark.parametrize("q", ["learn", "sign", "language"])
def test_past_the_probe_cap_the_plain_query_is_used_with_the_same_result(pledges, q, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_PROBE_CAP", 1)
    monkeypatch.setattr(search, "_is_common", lambda q: False)  # every word is probed first
    assert _ids(search.search(public_pledges(), q)) == _ids(search.plain_search(public_pledges(), q))


def test_the_probe_answers_within_the_filters_of_the_wall(pledges, campaign):
    """The probe returns ids; the wall's own filters still apply to them."""
    sepsis = Pledge.objects.get(text__contains="sepsis")
    themed = public_pledges().filter(theme=sepsis.theme)
    assert _ids(search.search(themed, "sepsis")) == _ids(search.plain_search(themed, "sepsis")) == [sepsis.pk]


def test_the_wall_page_is_the_same_through_either_path(client, pledges, monkeypatch):
    """Over HTTP: the wall searched with the probe and with the plain query shows the same page."""
    from pledges import microcache

    probed, probe = [], search._search_probe
    monkeypatch.setattr(search, "_search_probe", lambda q: probed.append(q) or probe(q))
    pages = []
    for terms in (search.search_terms, lambda q: {"words": q.strip(), "ids": []}):
        monkeypatch.setattr("pledges.selectors.search_terms", terms)
        microcache._pages.clear()
        pages.append(client.get("/pledges/", {"q": "language"}).content)
    assert probed == ["language"]  # the first page was found through the probe
    assert pages[0] == pages[1]
    assert b"sign language" in pages[0]


@pytest.mark.parametrize("q", ["language", "week", "nothingmatchesthis"])
def test_the_wall_searched_is_the_same_whether_its_queries_are_kept_or_built(client, pledges, settings, q):
    from pledges import microcache

    settings.PLEDGES_MICROCACHE_ENABLED = False
    settings.CORE_QUERIES_KEPT = False
    built = [client.get("/pledges/", {"q": q, **cursor}).content for cursor in ({}, {"before": 150})]
    settings.CORE_QUERIES_KEPT = True
    microcache._pages.clear()
    for cursor in ({}, {"before": 150}):
        client.get("/pledges/", {"q": q, **cursor})
    kept = [client.get("/pledges/", {"q": q, **cursor}).content for cursor in ({}, {"before": 150})]
    assert kept == built


@pytest.fixture
def unconfirmed_on_top(pledges):
    """Unconfirmed pledges at the newest end, as the bench's pledge scenario leaves them: some
    with the words searched, which no walk may show."""
    for i in range(40):
        PledgeFactory(text=f"I will learn one new thing a week, not confirmed {i}", unconfirmed=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pledges_pledge")


def _walked(terms: dict) -> tuple[list[list[int]], str]:
    """Every page of the wall for `terms` as ids, older and older and then back to the
    newest; and the plan of its first page."""
    from pledges.selectors import _wall_rows, wall_page

    with connection.cursor() as cursor:
        # As at a million pledges: walked through an index, not read whole and sorted.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off")
        sql, params = _wall_rows.build(before=0, after=0, **terms).query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    older = [wall_page(terms)]
    while older[-1].older:
        older.append(wall_page(terms, before=older[-1].older))
    newer = [older[-1]]
    while newer[-1].newer:
        newer.append(wall_page(terms, after=newer[-1].newer))
    return [[card.pk for card in page.pledges] for page in older + newer[1:]], plan


@pytest.mark.parametrize("q", ["week", "learn week", "makaton", ""])
def test_the_walk_over_published_pledges_finds_what_the_primary_key_walk_found(unconfirmed_on_top, campaign, q):
    """The wall and its search walk pledges_published_idx (migration 0010), which holds only
    published pledges, where they walked the primary key past the unconfirmed ones at the top:
    the same pledges in the same order, page by page, both ways."""
    terms = {"campaign_id": campaign.pk, "theme_id": 0, "job_role": "", "sector": "", "region": "", "kind": ""}
    terms |= {"words": q, "ids": []}
    with transaction.atomic():
        now, plan = _walked(terms)
        assert "pledges_published_idx" in plan
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX pledges_published_idx")
        then, plan = _walked(terms)
        assert "pledges_published_idx" not in plan and "pledges_pledge_pkey" in plan
        transaction.set_rollback(True)
    assert now == then
    older = now[: (len(now) + 1) // 2]
    assert [pk for page in older for pk in page] == _ids(search.plain_search(public_pledges(), q))
    assert len(older) > 1 or q == "makaton"
