"""Reading totals: every total under a prefix is an index range, not a scan of every
counter row, and LIKE's own characters in a prefix stand for themselves."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counters.models import Counter
from counters.services import counter_values, counter_values_with_prefix
from pledges import keys as pledge_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    Counter.objects.bulk_create(
        [
            Counter(key=pledge_keys.facet(c, "region", f"r{n}"), shard=s, value=1)
            for c in range(3)
            for n in range(50)
            for s in range(4)
        ]
    )


def test_a_prefix_read_sums_the_shards_of_each_key_under_it(regions):
    assert counter_values_with_prefix(pledge_keys.facet(1, "region", "r4")) == {
        pledge_keys.facet(1, "region", "r4"): 4,
        **{pledge_keys.facet(1, "region", f"r4{n}"): 4 for n in range(10)},
    }
    assert counter_values([pledge_keys.facet(2, "region", "r7"), "nothing:here"]) == {
        pledge_keys.facet(2, "region", "r7"): 4,
        "nothing:here": 0,
    }
    assert counter_values([]) == {}


def test_like_characters_in_a_prefix_match_only_themselves():
    wanted = pledge_keys.facet(5, "role", "care_worker")
    Counter.objects.bulk_create(
        [
            Counter(key=wanted, shard=0, value=2),
            Counter(key=pledge_keys.facet(5, "role", "careXworker"), shard=0, value=3),
            Counter(key=pledge_keys.facet(5, "role", "care%worker"), shard=0, value=5),
        ]
    )
    assert counter_values_with_prefix(pledge_keys.facet(5, "role", "care_")) == {wanted: 2}
    assert counter_values_with_prefix(pledge_keys.facet(5, "role", "care%")) == {
        pledge_keys.facet(5, "role", "care%worker"): 5
    }


def test_a_prefix_read_ends_where_the_prefix_ends():
    """Read as a range from the prefix to the next string of its length, byte by byte."""
    inside = ["ambassadors:activ", "ambassadors:active", "ambassadors:activ~", "ambassadors:activ\x7f"]
    outside = ["ambassadors:activ".upper(), "ambassadors:actiw", "ambassadors:actiu~", "ambassadors:activ"[:-1]]
    Counter.objects.bulk_create([Counter(key=key, shard=0, value=1) for key in inside + outside])
    assert counter_values_with_prefix("ambassadors:activ") == dict.fromkeys(inside, 1)
    assert counter_values_with_prefix("ambassadors:acti\u00e9") == {}  # not ASCII: read with LIKE


@pytest.mark.needs_postgres
def test_a_prefix_read_walks_the_key_index(regions):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE counters_counter")
    with CaptureQueriesContext(connection) as read:
        counter_values_with_prefix(pledge_keys.campaign(1))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + read.captured_queries[0]["sql"])
        plan = cursor.fetchone()[0]
    plan = json.dumps(plan if not isinstance(plan, str) else json.loads(plan))
    assert "counters_key_prefix_idx" in plan
