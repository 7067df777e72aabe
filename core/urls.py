"""The project's `reverse()`: an address worked out once per process, then kept.

Django's `reverse()` walks the URL patterns, formats a candidate and checks it against the
pattern's regular expression: about 22 microseconds a call here. A page calls it 10 to 60
times (the header and footer alone a dozen, then one per card or row). The URL patterns do
not change while a process runs, so the same name and arguments always give the same
address: they are kept in a bounded LRU (about 5 microseconds to read, most of it Django's
two thread-locals for the URLconf and the script prefix).

Kept only when the name and every argument are plain: an int (not a bool, which would share
1's key) or a str, including the SafeString a template literal resolves to. A model
instance or a lazy string goes to Django's `reverse()` each time, as its text could change.
The key holds everything the answer depends on: the URLconf in force, the script prefix and
the current app. A change of ROOT_URLCONF (tests) empties it. The `{% url %}` tag uses it too (core.templatetags.urls,
a template builtin that replaces Django's tag of the same name and behaviour).
tests/core/test_urls.py checks every named pattern gives the same address both ways.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

KEPT = 20_000  # addresses per process, a few MB at most


def _plain_one(value) -> bool:
    return type(value) is int or isinstance(value, str)


def _plain(values) -> bool:
    return all(_plain_one(value) for value in values)


@lru_cache(maxsize=KEPT)
def _kept(urlconf, prefix: str, viewname: str, args: tuple, kwargs: tuple, current_app) -> str:
    # `prefix` is only part of the key: Django's reverse() reads it from this thread.
    return django_reverse(
        viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None, current_app=current_app
    )


def reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None, **extra) -> str:
    """django.urls.reverse(), the same arguments and answer, kept when they are plain."""
    args = tuple(args) if args else ()
    kwargs = tuple(sorted(kwargs.items())) if kwargs else ()
    if extra or not isinstance(viewname, str) or not _plain(args) or (kwargs and not _plain(v for _, v in kwargs)):
        return django_reverse(
            viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None, current_app=current_app, **extra
        )
    return _kept(
        urlconf or get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, args, kwargs, current_app
    )


def clear() -> None:
    _kept.cache_clear()


def urls_changed(*, setting, **kwargs) -> None:
    """setting_changed receiver, connected in CoreConfig.ready()."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME") or setting.startswith("LANGUAGE"):
        clear()
