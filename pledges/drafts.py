"""The pledge a person is making, kept between the form, the check page and "sent".

What they typed (the draft) and, once sent, the outcome the "sent" page shows, are kept in
signed cookies rather than in a database session. Making a pledge signed out used to
create a session row on the form's POST, read and rewrite it on "Send my pledge": five of
the submission's 26 SQL statements and about a fifth of its CPU. A signed cookie costs an
HMAC instead.

The cookies are signed, not encrypted: the person can read what they typed (it is theirs),
nobody can alter it, and it travels only between their browser and this site
(HttpOnly, Secure in production, SameSite=Lax, path /pledges/). They last as long as a
session would, and are deleted when the pledge is sent. A signed-in person's draft stays in
their session, which they have anyway and which signing out clears. A draft too big for a
cookie (only pasted text far beyond the form's limits) also falls back to the session.

Once the form has validated, the draft carries its checked values (`cleaned`: ids for the
theme and organisation), so "Send my pledge" does not validate the same answers a second
time. The stamp is trusted for CHECKED_MAX_AGE and only for the sign-in state it was made
in; otherwise the answers go through the form again.
"""

import time
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db.models import Model
from django.utils.cache import patch_cache_control

DRAFT_COOKIE = "pledge_draft"
RESULT_COOKIE = "pledge_result"
SESSION_DRAFT = "pledge_draft"
_SALT = "pledges.drafts"
# Browsers keep at least 4,096 bytes a cookie, name and attributes included.
MAX_COOKIE_VALUE = 3800
CHECKED_MAX_AGE = 24 * 3600  # seconds


def _cookie_args() -> dict:
    return {
        "max_age": settings.SESSION_COOKIE_AGE,
        "path": "/pledges/",
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": True,
        "samesite": "Lax",
    }


def _read(request, name: str, max_age: int) -> dict | None:
    value = request.COOKIES.get(name)
    if not value:
        return None
    try:
        return signing.loads(value, salt=f"{_SALT}.{name}", max_age=max_age)
    except (signing.BadSignature, ValueError):
        return None


def _write(response, name: str, data: dict) -> bool:
    value = signing.dumps(data, salt=f"{_SALT}.{name}", compress=True)
    if len(value) > MAX_COOKIE_VALUE:
        return False
    response.set_cookie(name, value, **_cookie_args())
    return True


def _forget(request, response, name: str) -> None:
    if name in request.COOKIES:
        response.delete_cookie(name, path="/pledges/", samesite="Lax")


def private_to_its_holder(view):
    """The form, check and "sent" pages show a draft or an outcome to the browser holding its
    cookie alone: `Cache-Control: private, no-store`, as PrivatePagesMiddleware marks every
    page reached with a session."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if DRAFT_COOKIE in request.COOKIES or RESULT_COOKIE in request.COOKIES:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


# --- The draft ------------------------------------------------------------------------


def _frozen(cleaned: dict) -> dict:
    """Checked values as JSON: model instances by id."""
    return {k: (v.pk if isinstance(v, Model) else v) for k, v in cleaned.items()}


def draft_read(request) -> dict | None:
    """{"typed": what they typed, "cleaned": its checked values or None, "signed_in": bool}."""
    kept = _read(request, DRAFT_COOKIE, settings.SESSION_COOKIE_AGE)
    if kept is None and (request.user.is_authenticated or settings.SESSION_COOKIE_NAME in request.COOKIES):
        kept = request.session.get(SESSION_DRAFT)
    if not kept or "typed" not in kept:
        return None
    return kept


def draft_typed(request) -> dict | None:
    kept = draft_read(request)
    return kept["typed"] if kept else None


def draft_keep(request, response, typed: dict, cleaned: dict | None = None) -> None:
    """Keep what was typed and, if the form validated, its checked values."""
    kept = {"typed": typed, "cleaned": _frozen(cleaned) if cleaned is not None else None}
    kept["signed_in"] = request.user.is_authenticated
    if cleaned is not None:
        kept["checked_at"] = int(time.time())
    if not request.user.is_authenticated and _write(response, DRAFT_COOKIE, kept):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and SESSION_DRAFT in request.session:
            del request.session[SESSION_DRAFT]
        return
    _forget(request, response, DRAFT_COOKIE)
    request.session[SESSION_DRAFT] = kept


def draft_forget(request, response) -> None:
    _forget(request, response, DRAFT_COOKIE)
    if settings.SESSION_COOKIE_NAME in request.COOKIES or request.user.is_authenticated:
        request.session.pop(SESSION_DRAFT, None)


def draft_checked(request, kept: dict) -> dict | None:
    """The checked values with their theme and organisation loaded, if they can be trusted
    now (see the module's docstring); None means: validate the typed answers again."""
    from organisations.models import Organisation

    from .selectors import active_theme

    cleaned = kept.get("cleaned")
    if not cleaned or kept.get("signed_in") != request.user.is_authenticated:
        return None
    if not isinstance(kept.get("checked_at"), int) or time.time() - kept["checked_at"] > CHECKED_MAX_AGE:
        return None
    # The same filters as the form's: a theme retired or an entry unverified since is not
    # trusted. The theme from the kept lists, as the form page offered it (a retirement shows
    # within PLEDGES_CAMPAIGN_TTL).
    theme = active_theme(cleaned.get("theme"))
    if theme is None:
        return None
    organisation = None
    if cleaned.get("organisation"):
        organisation = Organisation.objects.listed().filter(pk=cleaned["organisation"]).first()
        if organisation is None:
            return None
    return {**cleaned, "theme": theme, "organisation": organisation}


# --- The outcome, for the "sent" page ---------------------------------------------------


def result_keep(response, *, outcome: str, pledge=None, found=()) -> None:
    _write(response, RESULT_COOKIE, {"outcome": outcome, "pledge": pledge.pk if pledge else None, "found": list(found)})


def result_read(request) -> dict | None:
    return _read(request, RESULT_COOKIE, settings.SESSION_COOKIE_AGE)
