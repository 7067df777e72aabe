"""Reading every total under a prefix is an index range, not a scan of every counter row."""

import json

import pytest
from django.db import connection

from counters.models import Counter
from counters.services import counter_values_with_prefix
from pledges import keys as pledge_keys

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgres]


def test_a_prefix_read_walks_the_key_index():
    Counter.objects.bulk_create(
        [
            Counter(key=pledge_keys.facet(c, "region", f"r{n}"), shard=s, value=1)
            for c in range(3)
            for n in range(50)
            for s in range(4)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE counters_counter")
    rows = Counter.objects.filter(key__startswith=pledge_keys.campaign(1)).values("key")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = rows.query.sql_with_params()
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.dumps(plan if not isinstance(plan, str) else json.loads(plan))
    assert "counters_key_prefix_idx" in plan
    assert counter_values_with_prefix(pledge_keys.facet(1, "region", "r4")) == {
        pledge_keys.facet(1, "region", "r4"): 4,
        **{pledge_keys.facet(1, "region", f"r4{n}"): 4 for n in range(10)},
    }
