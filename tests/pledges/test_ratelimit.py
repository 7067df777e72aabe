"""core/ratelimit.py, the small cache-based limiter pledges, joins and reports use."""

import pytest
from django.urls import reverse

from core.ratelimit import ratelimit_all, ratelimit_hit
from pledges.models import Pledge

from .factories import PledgeFactory


def test_limit_allows_up_to_the_limit_then_refuses(settings):
    settings.RATELIMIT_MULTIPLIER = 1
    results = [ratelimit_hit("test:a", limit=3, period=3600) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit_hit("test:b", limit=3, period=3600)  # another key has its own count


def test_every_limit_counts_even_when_one_already_refused(settings):
    settings.RATELIMIT_MULTIPLIER = 1
    assert ratelimit_all([("test:ip", 1, 3600), ("test:email", 5, 3600)])
    assert not ratelimit_all([("test:ip", 1, 3600), ("test:email", 5, 3600)])
    # The email key saw both attempts: with a limit of 3 only one more gets through.
    assert [ratelimit_hit("test:email", limit=3, period=3600) for _ in range(2)] == [True, False]


@pytest.mark.django_db
def test_joining_is_rate_limited_per_email(client, campaign, form_data, settings):
    settings.RATELIMIT_MULTIPLIER = 1
    data = {k: v for k, v in form_data.items() if k not in {"text", "theme"}}
    codes = [client.post(reverse("pledges:join", args=[PledgeFactory().pk]), data).status_code for _ in range(7)]
    assert codes == [302] * 6 + [429]
    assert Pledge.objects.filter(joined_from__isnull=False).count() == 6


def test_on_redis_every_counter_expires_after_its_window(settings):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from core import ratelimit

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("the test settings use Redis when it is there; this run has no Redis")
    settings.RATELIMIT_MULTIPLIER = 1
    assert ratelimit.ratelimit_all([("test:ttl-ip", 2, 60), ("test:ttl-email", 1, 3600)])
    client = cache._cache.get_client()
    ttls = [
        client.ttl(cache.make_and_validate_key(ratelimit._window_key(k, p)))
        for k, p in [("test:ttl-ip", 60), ("test:ttl-email", 3600)]
    ]
    assert 55 <= ttls[0] <= 65 and 3595 <= ttls[1] <= 3605
    # A second hit keeps the first expiry (NX) and is counted.
    assert not ratelimit.ratelimit_all([("test:ttl-ip", 2, 60), ("test:ttl-email", 1, 3600)])
