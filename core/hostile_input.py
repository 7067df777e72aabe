"""Control characters stop at the door, before any view or query sees them.

PostgreSQL refuses NUL in any string (a query with one raises, which was a server error on
every page that looked up a query parameter or a URL part), XML 1.0 cannot carry the other
C0 characters (the Atom feed could not be written), and none of them is anything a person
meant to type. So:

- a URL path or query string holding one (C0, DEL or C1), or a query string whose percent
  escapes are not UTF-8, gets the 400 page. No real link has them; a `%` not followed by two
  hex digits is taken literally, as browsers do;
- form fields lose them (a tab, newline and carriage return stay; a vertical tab, form feed
  or next-line, as pasted from a word processor, becomes a newline), so what someone typed
  is kept rather than thrown back at them for a character they cannot see;
- a cookie holding one is ignored, as if it had not been sent.

Format characters (zero-width joiners in emoji, bidirectional marks) are not control
characters and are kept: templates isolate bidirectional text where they show it.
"""

import re
from urllib.parse import unquote_to_bytes

from django.http import QueryDict

from core.views import bad_request

# C0 but tab, newline and carriage return; DEL; C1.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Anywhere in a URL, even the three a form may hold.
CONTROL_IN_URL = re.compile("[\x00-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile("[\x0b\x0c\x85]")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def without_control(value: str) -> str:
    if not CONTROL.search(value):
        return value
    return CONTROL.sub("", LINE_BREAKS.sub("\n", value))


def query_string_ok(raw: str) -> bool:
    """The query string, decoded as Django will, is UTF-8 with no control character."""
    if not raw:
        return True
    try:
        data = raw.encode("iso-8859-1")  # WSGI hands over the raw bytes as Latin-1
    except UnicodeEncodeError:
        data = raw.encode("utf-8")
    try:
        decoded = unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not CONTROL_IN_URL.search(decoded)


def _clean_post(request) -> None:
    post = request.POST  # parsed here as CsrfViewMiddleware would; views read the cleaned copy
    if not any(CONTROL.search(key) or any(CONTROL.search(v) for v in values) for key, values in post.lists()):
        return
    cleaned = QueryDict(mutable=True)
    for key, values in post.lists():
        cleaned.setlist(without_control(key), [without_control(v) for v in values])
    cleaned._mutable = False
    request._post = cleaned


class HostileInputMiddleware:
    """Placed before the session and every view: see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_IN_URL.search(request.path) or not query_string_ok(request.META.get("QUERY_STRING", "")):
            return bad_request(request, None)
        if any(CONTROL_IN_URL.search(key + value) for key, value in request.COOKIES.items()):
            request.COOKIES = {k: v for k, v in request.COOKIES.items() if not CONTROL_IN_URL.search(k + v)}
        if request.method == "POST" and request.content_type in FORM_TYPES:
            _clean_post(request)
        return self.get_response(request)
