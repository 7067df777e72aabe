"""Cache-based rate limits: a fixed window counter per key (Redis in production).

`ratelimit_hit("pledge:ip:1.2.3.4", limit=10, period=3600)` counts one attempt and says
whether it is within the limit; `ratelimit_all` counts several keys, on Redis in one round
trip. RATELIMIT_MULTIPLIER raises every limit (benchmarks).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

# Who the client is comes from the proxy settings (core/client.py); re-exported for callers.
from .client import client_ip, client_network  # noqa: F401


def _window_key(key: str, period: int) -> str:
    window = int(time.time() // period)
    return f"rl:{hashlib.sha256(key.encode()).hexdigest()[:40]}:{window}"


def _effective(limit: int) -> int:
    return limit * int(getattr(settings, "RATELIMIT_MULTIPLIER", 1) or 1)


def _redis_counts(keys_and_periods: list[tuple[str, int]]) -> list[int] | None:
    """On Redis, count every key in one round trip: INCR, and set the expiry only if unset."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    pipe = backend._cache.get_client(write=True).pipeline(transaction=False)
    for key, period in keys_and_periods:
        cache_key = backend.make_and_validate_key(_window_key(key, period))
        pipe.incr(cache_key)
        pipe.expire(cache_key, period + 5, nx=True)
    return pipe.execute()[0::2]


def _counted(key: str, period: int) -> int:
    """Any other cache (LocMem in development and some tests): add, else increment."""
    cache_key = _window_key(key, period)
    if cache.add(cache_key, 1, period + 5):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, period + 5)
        return 1


def ratelimit_all(keys_and_limits: list[tuple[str, int, int]]) -> bool:
    """Count one attempt against every (key, limit, period in seconds), so each limit sees every
    attempt; True only if all are within their limits."""
    try:
        counts = _redis_counts([(key, period) for key, _, period in keys_and_limits])
        if counts is None:
            counts = [_counted(key, period) for key, _, period in keys_and_limits]
    except Exception:  # a cache that is down must not stop people pledging
        return True
    return all(count <= _effective(limit) for count, (_, limit, _) in zip(counts, keys_and_limits, strict=True))


def ratelimit_hit(key: str, *, limit: int, period: int) -> bool:
    """Count one attempt for `key`; False once more than `limit` happened in this `period` (seconds)."""
    return ratelimit_all([(key, limit, period)])
