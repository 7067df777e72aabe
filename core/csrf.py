"""The CSRF token a page's forms carry, masked with one read of the system's random source.

Django sends each page's forms the CSRF secret masked afresh (so a compressed page never
repeats it: the BREACH attack). Its mask is 32 characters drawn one at a time, a call to
the system's random source each: 52 us of CPU on the bench machine, the largest single
cost left on a signed-in page after its queries. This draws the same 32 characters, each
uniform over Django's 62, from one read (secrets.token_bytes, rejecting the bytes that
would favour some characters), and masks the secret as Django does, so Django's
CsrfViewMiddleware checks it unchanged. It costs about 10 us.

`get_token(request)` is Django's django.middleware.csrf.get_token with that mask; the
context processor gives templates `csrf_token` from it (it comes after Django's own, which
every RequestContext has and which is then never worked out). Without a CSRF cookie on the
request, Django's own get_token makes the new secret and its cookie.

HTML kept rendered for everyone (a fragment or {% kept %} part holding a form, the blank
pledge form) is rendered with SLOT as its CSRF token, and `token_in` puts each request's
own token in its place.
"""

import secrets

from django.middleware import csrf as django_csrf
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import SafeString

_CHARS = django_csrf.CSRF_ALLOWED_CHARS
_AT = {char: at for at, char in enumerate(_CHARS)}
_LENGTH = django_csrf.CSRF_SECRET_LENGTH
# The bytes below this are a whole number of times 62 (4 x 62 = 248), so byte % 62 is uniform.
_FAIR_BELOW = 256 - 256 % len(_CHARS)
# The token kept HTML is rendered with, where each request's own goes.
SLOT = "csrf-token-of-the-request"


def _mask() -> list[int]:
    drawn: list[int] = []
    while len(drawn) < _LENGTH:
        drawn += [byte % len(_CHARS) for byte in secrets.token_bytes(_LENGTH + 8) if byte < _FAIR_BELOW]
    return drawn[:_LENGTH]


def masked(secret: str) -> str:
    """`secret` masked as django.middleware.csrf._mask_cipher_secret masks it: a random mask,
    then each of the secret's characters moved along by the mask's."""
    mask = _mask()
    size = len(_CHARS)
    cipher = "".join(_CHARS[(_AT[char] + shift) % size] for char, shift in zip(secret, mask, strict=True))
    return "".join(_CHARS[shift] for shift in mask) + cipher


def get_token(request) -> str:
    """As django.middleware.csrf.get_token: the request's CSRF token, masked afresh, and the
    cookie renewed with the response."""
    secret = request.META.get("CSRF_COOKIE")  # checked by the middleware: 32 of the 62 characters
    if secret is None:
        return django_csrf.get_token(request)  # makes the secret, and sets its cookie
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return masked(secret)


def context_processor(request) -> dict:
    return {"csrf_token": SimpleLazyObject(lambda: get_token(request))}


def token_in(html: str, token) -> SafeString:
    """`html`, rendered with SLOT as its forms' CSRF token, with `token` in its place."""
    return SafeString(html.replace(f'value="{SLOT}"', f'value="{escape(token)}"'))
