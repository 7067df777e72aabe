"""The blank "Make a pledge" form, kept rendered per process.

The busiest page on Change Day after the wall is the empty "Make a pledge" form: twelve
NHS.UK fields cost about 11 ms to render, every time the same for anyone signed out with no
draft. Each process keeps the page rendered with a placeholder where the CSRF token goes,
and puts the person's own token in on the way out. Keyed by campaign and its window, kept
FORM_TTL seconds (so an admin's change to a theme or a campaign shows within a minute).
"""

import time

from django.http import HttpResponse

MAX_ENTRIES = 500  # per process

CSRF_PLACEHOLDER = "csrf-token-goes-here-b9d3e1"
FORM_TTL = 60.0
_forms: dict[tuple, tuple[float, str]] = {}


def blank_form_page(request, key: tuple, render_page) -> HttpResponse:
    """`render_page(csrf_token)` returns the page's HTML; it is called at most once per FORM_TTL."""
    from django.middleware.csrf import get_token

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
    """Forget the blank forms this process keeps (tests change themes and campaigns at will)."""
    _forms.clear()
