"""The shared cache on Redis: fails fast when Redis fails, and lets sign-in limits fail open.

Django's RedisCache with two additions, both about a Redis that is down or hung:

1. **Fail fast.** Every call has a short socket timeout (settings: CACHES OPTIONS). After a
   connection error or a timeout, this process leaves that Redis alone for DOWN_FOR seconds:
   every call raises at once, without touching the network. So a hung Redis costs a process one
   timeout per DOWN_FOR, not one per call (a sign-in makes a dozen cache calls). The callers
   already treat an error as a miss: the pledges micro-cache serves the page uncached and the
   site's own rate limits (core/ratelimit.py) let the request through.

2. **One redis-py client per connection pool.** Django's client makes a new `redis.Redis` for
   every call, and redis-py builds some 170 reply callbacks in each: about 0.1 ms of CPU a call
   here. A client is safe to share between threads (each command takes a connection from the
   pool), so each process keeps one per pool.

3. **allauth's rate limits fail open.** allauth (sign-in, sign-up, password reset) counts its
   limits in the default cache itself and would turn a cache error into a server error. Calls on
   its keys (`allauth:rl:...`) answer as an empty cache would, with a log line, so people can
   still sign in, as they can still pledge: add (its lock) succeeds, get finds nothing, set and
   delete do nothing. Only those keys: everything else still sees the error.
"""

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.connection import Connection, SSLConnection

logger = logging.getLogger(__name__)

DOWN_FOR = 5.0  # seconds
FAIL_OPEN_PREFIXES = ("allauth:rl:",)
_FAILURES = (redis.ConnectionError, redis.TimeoutError)

# (host, port) -> monotonic time until which this process does not call that Redis.
_down_until: dict[tuple[str, int], float] = {}
_fail_open_logged_at = 0.0


def cache_breaker_reset() -> None:
    """Forget every failure, and when the last was logged (tests that stop and start their own Redis)."""
    global _fail_open_logged_at
    _down_until.clear()
    _fail_open_logged_at = 0.0


class _FailFast:
    """A redis-py connection that trips, and then honours, this process's mark for its server."""

    def _server(self) -> tuple[str, int]:
        return (self.host, self.port)

    def _raise_if_down(self) -> None:
        if _down_until.get(self._server(), 0.0) > time.monotonic():
            raise redis.ConnectionError(f"Redis {self.host}:{self.port} marked down after an error")

    def _mark_down(self, exc: Exception) -> None:
        server = self._server()
        if _down_until.get(server, 0.0) <= time.monotonic():
            logger.warning(
                "cache: Redis %s:%s failed (%s: %s); not calling it for %.0f s",
                *server,
                type(exc).__name__,
                exc,
                DOWN_FOR,
            )
        _down_until[server] = time.monotonic() + DOWN_FOR

    def connect(self):
        self._raise_if_down()
        try:
            return super().connect()
        except _FAILURES as exc:
            self._mark_down(exc)
            raise

    def send_packed_command(self, command, check_health=True):
        self._raise_if_down()
        try:
            return super().send_packed_command(command, check_health)
        except _FAILURES as exc:
            self._mark_down(exc)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES as exc:
            self._mark_down(exc)
            raise


class FailFastConnection(_FailFast, Connection):
    pass


class FailFastSSLConnection(_FailFast, SSLConnection):
    pass


def _log_fail_open(exc: Exception) -> None:
    global _fail_open_logged_at
    now = time.monotonic()
    if now - _fail_open_logged_at >= DOWN_FOR:  # one line per outage spell, not one per call
        _fail_open_logged_at = now
        logger.warning("cache: sign-in and sign-up rate limits not applied while the cache fails (%s)", exc)


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
        schemes = {url.split("://", 1)[0] for url in self._servers}
        # A unix socket (unix://) keeps redis-py's own connection: it cannot hang on a network.
        if schemes <= {"redis", "rediss"}:
            secure = "rediss" in schemes
            self._options = {
                "connection_class": FailFastSSLConnection if secure else FailFastConnection,
                **self._options,
            }

    def _fails_open(self, key, fallback, call, *args):
        if not key.startswith(FAIL_OPEN_PREFIXES):
            return call(key, *args)
        try:
            return call(key, *args)
        except redis.RedisError as exc:
            _log_fail_open(exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fails_open(key, True, super().add, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._fails_open(key, default, super().get, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fails_open(key, None, super().set, value, timeout, version)

    def delete(self, key, version=None):
        return self._fails_open(key, False, super().delete, version)
