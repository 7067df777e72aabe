"""Cards and rows kept rendered per process, keyed by every column they are drawn from.

A list page draws the same small template once per row (a pledge card on the wall and in
search, a Care Maker's card, an employer in the directory): 16 to 20 of them, about 0.1 ms
of CPU each, a third of the page. The rows themselves change rarely, and the same rows come
back on page after page (the newest pledges, the top matches for a word). So each process
keeps the rendered fragment under a key made of the template's name and the values of every
column of its arguments, including the rows loaded with them by select_related. A change
to any column is a new key, so a kept fragment is never stale; no invalidation is needed.

The rule for a template rendered this way: it may read its arguments' columns and their
select_related rows, and plain values passed beside them (a date, a flag), nothing else:
no request, no user, no query (a related manager's `.all()`), no context processor. It is
rendered with exactly the arguments given. tests/core/test_fragments.py checks the rule
for every template rendered through here, and that each page is byte-for-byte the same with
keeping on and off (CORE_FRAGMENTS_KEPT = False renders every time).

Measured (`scripts/profile_paths.py`, one process): a kept card costs about 5 us to find
against 80-150 us to render.
"""

from django.conf import settings
from django.db.models import Model
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

MAX_KEPT = 5_000  # fragments per process (a few kB each: at most some tens of MB)

_kept: dict[tuple, SafeString] = {}


_columns: dict[type, tuple[str, ...]] = {}  # model -> its columns' attribute names


def _row(obj: Model, related: bool = True) -> tuple:
    """Every column value this instance holds, and those of the rows select_related
    loaded with it (one level), read from the instance without a query."""
    model = type(obj)
    names = _columns.get(model)
    if names is None:
        names = _columns[model] = tuple(field.attname for field in model._meta.concrete_fields)
    own = tuple(map(obj.__dict__.get, names))
    cached = obj._state.fields_cache
    if not (related and cached):
        return (model, own)
    rows = tuple(
        (name, _row(other, related=False) if isinstance(other, Model) else other)
        for name, other in sorted(cached.items())
    )
    return (model, own, rows)


def _key(template_name: str, arguments: dict) -> tuple:
    parts = []
    for name, value in sorted(arguments.items()):
        parts.append((name, _row(value) if isinstance(value, Model) else value))
    key = (template_name, tuple(parts))
    try:
        hash(key)
    except TypeError:  # a JSON column (a list or dict): its text stands in
        key = (template_name, repr(parts))
    return key


def render_fragment(template_name: str, **arguments) -> SafeString:
    """The template rendered with these arguments only, kept while they are unchanged."""
    if not getattr(settings, "CORE_FRAGMENTS_KEPT", True):
        return mark_safe(get_template(template_name).render(arguments))
    key = _key(template_name, arguments)
    html = _kept.get(key)
    if html is None:
        html = mark_safe(get_template(template_name).render(arguments))
        if len(_kept) >= MAX_KEPT:
            try:
                del _kept[next(iter(_kept))]  # the oldest kept
            except (KeyError, StopIteration, RuntimeError):  # another thread got there first
                pass
        _kept[key] = html
    return html


def clear() -> None:
    _kept.clear()
