"""A micro-cache for the public wall, pledge pages and counts, for people who are not signed in.

Without it (the plain path: the view itself, or PLEDGES_MICROCACHE_ENABLED = False) each
of these pages is rendered for every request. At a million pledges the wall costs several
queries and a large template per view; on Change Day most views are anonymous and identical.

What it saves (`make bench`, docs/performance.md, 23 November 2026, 2 cores, a million
pledges): one pledge's page is served 2,514 times a second kept against 286 rendered each
time (p99 55 ms against 147 ms); a search 2,650 a second against 83 (p99 70 ms against
491 ms); the wall's first page 2,965 a second, 159% of a bare Django view.
tests/pledges/test_microcache.py checks that a kept page is byte for byte the page the view
renders. Each process keeps the rendered page for at most PLEDGES_MICROCACHE_TTL seconds (5),
filed under a version number held in the shared cache. Any change that can alter a public
page (a pledge published, hidden, withdrawn, marked done or erased) bumps the version once
its transaction commits, so a new pledge shows at once, not after the TTL.
The TTL only bounds what is not a pledge change (an admin renaming a theme).

Each process reads the version from the shared cache at most once a VERSION_TTL (a second):
that round trip cost more than the rest of a cached wall view. So another process's change
shows within a second; a change made in this process shows at once.

Only requests without a session or messages cookie are cached: such a page depends on the
URL alone. A response that set a cookie or used a CSRF token is never kept.
"""

import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

logger = logging.getLogger(__name__)

VERSION_KEY = "pledges:public-pages-version"
MAX_ENTRIES = 500  # per process; about 25 MB of wall pages at most

# (full path, version) -> (expires at, content, headers)
_pages: dict[tuple[str, int], tuple[float, bytes, list[tuple[str, str]]]] = {}
# (read at, version): the version as this process last read or set it.
_version_seen: tuple[float, int | None] = (0.0, None)


def _version_ttl() -> float:
    # Tests set 0: each test clears the shared cache and must not see the last test's pages.
    return settings.PLEDGES_MICROCACHE_VERSION_TTL


def _new_version() -> int:
    # Time-based, so a flushed cache never brings back a version a process still holds pages for.
    return int(time.time() * 1000)


def version() -> int:
    """The public pages' version as this process knows it (read at most once a VERSION_TTL);
    raises when the shared cache is down."""
    return _version()


def _version() -> int:
    global _version_seen
    now = time.monotonic()
    read_at, version = _version_seen
    if version is not None and now - read_at < _version_ttl():
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), None)
        version = cache.get(VERSION_KEY)
    _version_seen = (now, version)
    return version


def _bump() -> None:
    global _version_seen
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # not there (expired or flushed): any new value is a new version
        version = _new_version()
        cache.set(VERSION_KEY, version, None)
    except Exception:
        logger.exception("pledges: could not bump the public pages version")
        return
    _version_seen = (time.monotonic(), version)


def public_pages_changed() -> None:
    """Call inside the writing transaction: once it commits, every cached public page is stale."""
    transaction.on_commit(_bump)


def _enabled() -> bool:
    # PLEDGES_MICROCACHE_ENABLED = False serves every page the plain way (to compare, or to debug).
    return settings.PLEDGES_MICROCACHE_ENABLED


def _cacheable_request(request) -> bool:
    return (
        _enabled()
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_microcache(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        try:
            key = (request.get_full_path(), _version())
        except Exception:  # the shared cache is down: serve uncached rather than fail
            return view(request, *args, **kwargs)
        now = time.monotonic()
        hit = _pages.get(key)
        if hit and hit[0] > now:
            response = HttpResponse(hit[1])
            for header, value in hit[2]:
                response[header] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            if len(_pages) >= MAX_ENTRIES:
                _pages.clear()
            _pages[key] = (now + settings.PLEDGES_MICROCACHE_TTL, response.content, list(response.items()))
        return response

    return wrapped
