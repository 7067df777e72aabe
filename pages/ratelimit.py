"""Cache-based rate limits: a fixed window counter per key (Redis in production).

`ratelimit_hit("pledge:ip:1.2.3.4", limit=10, period=3600)` counts one attempt and says
whether it is within the limit. RATELIMIT_MULTIPLIER raises every limit (benchmarks).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the proxy the first X-Forwarded-For entry is the client; only trusted in production.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if getattr(settings, "PRODUCTION", False) else ""
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")) or "unknown"


def ratelimit_hit(key: str, *, limit: int, period: int) -> bool:
    """Count one attempt for `key`; False once more than `limit` happened in this `period` (seconds)."""
    limit = limit * int(getattr(settings, "RATELIMIT_MULTIPLIER", 1) or 1)
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    cache_key = f"rl:{digest}:{window}"
    try:
        if cache.add(cache_key, 1, period + 5):
            return limit >= 1
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, period + 5)
        count = 1
    except Exception:  # a cache that is down must not stop people pledging
        return True
    return count <= limit


def ratelimit_all(keys_and_limits: list[tuple[str, int, int]]) -> bool:
    """Count every key (so each limit sees every attempt); True only if all are within their limits."""
    results = [ratelimit_hit(key, limit=limit, period=period) for key, limit, period in keys_and_limits]
    return all(results)
