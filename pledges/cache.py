"""A micro-cache for the public wall, pledge pages and counts, for people who are not signed in.

At a million pledges the wall costs several queries and a large template per view; on
Change Day most views are anonymous and identical. Each process keeps the rendered page for
at most TTL seconds, filed under a version number held in the shared cache. Any change that
can alter a public page (a pledge published, hidden, withdrawn, marked done or erased) bumps
the version once its transaction commits, so a new pledge shows at once, not after the TTL.
The TTL only bounds what is not a pledge change (an admin renaming a theme).

Each process reads the version from the shared cache at most once a VERSION_TTL (a second):
that round trip cost more than the rest of a cached wall view. So another process's change
shows within a second; a change made in this process shows at once.

Only requests without a session or messages cookie are cached: such a page depends on the
URL alone. A response that set a cookie or used a CSRF token is never kept.
"""

import copy
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

logger = logging.getLogger(__name__)

VERSION_KEY = "pledges:public-pages-version"
TTL = 5.0  # seconds
MAX_ENTRIES = 500  # per process; about 25 MB of wall pages at most

# (full path, version) -> (expires at, content, headers)
_pages: dict[tuple[str, int], tuple[float, bytes, list[tuple[str, str]]]] = {}
# (read at, version): the version as this process last read or set it.
_version_seen: tuple[float, int | None] = (0.0, None)


def _version_ttl() -> float:
    # Tests set 0: each test clears the shared cache and must not see the last test's pages.
    return getattr(settings, "PLEDGES_MICROCACHE_VERSION_TTL", 1.0)


def _new_version() -> int:
    # Time-based, so a flushed cache never brings back a version a process still holds pages for.
    return int(time.time() * 1000)


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


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
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
            _pages[key] = (now + TTL, response.content, list(response.items()))
        return response

    return wrapped


# --- The blank pledge form ------------------------------------------------------------
# The busiest page on Change Day after the wall is the empty "Make a pledge" form: twelve
# NHS.UK fields cost about 11 ms to render, every time the same for anyone signed out with no
# draft. Each process keeps the page rendered with a placeholder where the CSRF token goes,
# and puts the person's own token in on the way out. Keyed by campaign and its window, kept
# FORM_TTL seconds (so an admin's change to a theme or a campaign shows within a minute).
# GET /pledges/new/ in one process: 13 ms of CPU rendered, about 2 ms kept. Every other form
# page (a draft, a signed-in person, a link from an organisation, a message) takes the plain
# path through the same function; tests/pledges/test_microcache.py checks both give the
# same page.

CSRF_PLACEHOLDER = "csrf-token-goes-here-b9d3e1"
FORM_TTL = 60.0
_forms: dict[tuple, tuple[float, str]] = {}


def blank_form_page(request, key: tuple, render_page, *, keep: bool) -> HttpResponse:
    """The form page `render_page(csrf_token=None)` renders (None: the request's own token).

    With `keep` (the page is the same for everyone), it is rendered at most once per
    FORM_TTL with a placeholder token, and each person's own token is written in."""
    from django.middleware.csrf import get_token

    if not keep:
        return HttpResponse(render_page())
    now = time.monotonic()
    hit = _forms.get(key)
    if hit and hit[0] > now:
        html = hit[1]
    else:
        html = render_page(CSRF_PLACEHOLDER)
        if CSRF_PLACEHOLDER in html:
            if len(_forms) >= MAX_ENTRIES:
                _forms.clear()
            _forms[key] = (now + FORM_TTL, html)
    # get_token also tells the CSRF middleware to set the cookie, as {% csrf_token %} would.
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def clear_forms() -> None:
    """Forget the blank forms and the current campaign this process keeps (tests change
    themes and campaigns at will)."""
    _forms.clear()
    _campaign.clear()


# --- The current campaign ---------------------------------------------------------------
# Every pledge request reads it (three per submission), and the query cost about 1 ms of
# CPU each, most of it the ORM building the SQL. It changes when an admin switches
# campaigns, a few times a year. Each process keeps it CAMPAIGN_TTL seconds
# (PLEDGES_CAMPAIGN_TTL; 0, never kept, in tests). Opening and closing stay exact: the
# window is worked out from its dates on every request. An admin's edit shows within the TTL.

_campaign: dict[str, tuple[float, object]] = {}


def kept_current_campaign(load):
    """`load()` reads the current campaign; each caller gets its own copy of the kept one."""
    ttl = getattr(settings, "PLEDGES_CAMPAIGN_TTL", 5.0)
    if ttl <= 0:
        return load()
    now = time.monotonic()
    hit = _campaign.get("current")
    if hit is None or hit[0] <= now:
        hit = (now + ttl, load())
        _campaign["current"] = hit
    return copy.copy(hit[1])
