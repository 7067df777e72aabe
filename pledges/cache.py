"""The blank "Make a pledge" form, kept rendered per process; and the current campaign.

The busiest page on Change Day after the wall is the empty "Make a pledge" form: twelve
NHS.UK fields cost about 11 ms to render, every time the same for anyone signed out with no
draft. Each process keeps the page rendered with a placeholder where the CSRF token goes,
and puts the person's own token in on the way out. Keyed by campaign and its window, kept
FORM_TTL seconds (so an admin's change to a theme or a campaign shows within a minute).
GET /pledges/new/ in one process: 13 ms of CPU rendered, about 2 ms kept. Every other form
page (a draft, a signed-in person, a link from an organisation, a message) takes the plain
path through the same function; tests/pledges/test_microcache.py checks both give the
same page.
"""

import time

from django.conf import settings
from django.db.models.base import ModelState
from django.http import HttpResponse

MAX_ENTRIES = 500  # per process

FORM_TTL = 60.0
_forms: dict[tuple, tuple[float, str]] = {}


def blank_form_page(request, key: tuple, render_page, *, keep: bool) -> HttpResponse:
    """The form page `render_page(csrf_token=None)` renders (None: the request's own token).

    With `keep` (the page is the same for everyone), it is rendered at most once per
    FORM_TTL with a placeholder token, and each person's own token is written in."""
    from core.csrf import SLOT, get_token, token_in

    if not keep:
        return HttpResponse(render_page())
    now = time.monotonic()
    hit = _forms.get(key)
    if hit and hit[0] > now:
        html = hit[1]
    else:
        html = render_page(SLOT)
        if SLOT in html:
            if len(_forms) >= MAX_ENTRIES:
                _forms.clear()
            _forms[key] = (now + FORM_TTL, html)
    # get_token also tells the CSRF middleware to set the cookie, as {% csrf_token %} would.
    return HttpResponse(token_in(html, get_token(request)))


def clear_forms() -> None:
    """Forget the blank forms and the current campaign this process keeps (tests change
    themes and campaigns at will)."""
    _forms.clear()
    _campaign.clear()


# --- The current campaign, and every campaign and theme ---------------------------------
# Every pledge request reads the current campaign (three per submission), and the wall and
# search read every campaign and theme for their filters: about 1 ms of CPU a query, most of
# it the ORM building the SQL. They change when an admin edits them, a few times a year.
# Each process keeps them CAMPAIGN_TTL seconds (PLEDGES_CAMPAIGN_TTL; 0, never kept, in
# tests). Opening and closing stay exact: the window is worked out from its dates on every
# request. An admin's edit shows within the TTL.

_campaign: dict[str, tuple[float, object]] = {}


def _kept(name: str, load):
    ttl = settings.PLEDGES_CAMPAIGN_TTL
    if ttl <= 0:
        return load()
    now = time.monotonic()
    hit = _campaign.get(name)
    if hit is None or hit[0] <= now:
        hit = (now + ttl, load())
        _campaign[name] = hit
    return hit[1]


def _own_copy(row):
    """A copy of a kept row for one caller: what copy.copy() gives a model instance (its
    fields, and its state with its own cache of related rows), without the pickling path
    copy.copy() takes for one, which cost the wall a tenth of its time for 25 rows."""
    if row is None:
        return None
    state = ModelState()
    state.__dict__.update(row._state.__dict__)
    state.fields_cache = dict(row._state.fields_cache)
    own = object.__new__(type(row))
    own.__dict__.update(row.__dict__)
    own._state = state
    return own


def kept_current_campaign(load):
    """`load()` reads the current campaign; each caller gets its own copy of the kept one."""
    return _own_copy(_kept("current", load))


def kept_campaigns_and_themes(load):
    """`load()` reads (campaigns, themes); each caller gets its own copies of the rows."""
    campaigns, themes = _kept("campaigns-and-themes", load)
    return [_own_copy(c) for c in campaigns], [_own_copy(t) for t in themes]


def kept_campaign_and_theme(load, campaign_id: int, theme_id: int | None):
    """The campaign and the theme with these ids from the same kept lists (copies of those
    two rows only), None for one that is not there (new since the lists were read)."""
    campaigns, themes = _kept("campaigns-and-themes", load)
    campaign = next((c for c in campaigns if c.pk == campaign_id), None)
    theme = next((t for t in themes if t.pk == theme_id), None)
    return _own_copy(campaign), _own_copy(theme)
