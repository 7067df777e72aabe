"""Cards and rows kept rendered per process, keyed by every column they are drawn from.

A list page draws the same small template once per row (a pledge card on the wall and in
search, a Care Maker's card, an employer in the directory): 16 to 20 of them, about 0.1 ms
of CPU each, a third of the page. The rows themselves change rarely, and the same rows come
back on page after page (the newest pledges, the top matches for a word). So each process
keeps the rendered fragment under a key made of the template's name and the values of every
column of its arguments, including the rows loaded with them by select_related. A change
to any column is a new key, so a kept fragment is never stale; no invalidation is needed.

The rule for a template rendered this way: it may read its arguments' columns, the rows
select_related loaded with them and the rows prefetch_related loaded for them (all part of
the key), and plain values passed beside them (a date, a flag, a string), nothing else: no
request, no user, no query, no context processor. It is rendered with exactly the arguments
given. tests/core/test_fragments.py checks that no fragment runs a query or reads the
request, and that each page is byte-for-byte the same with keeping on and off
(CORE_FRAGMENTS_KEPT = False renders every time).

Measured (`scripts/profile_paths.py --templates`, one process): a kept pledge card costs
about 30 us (the tag, and a key from some 50 column values) against 100-150 us to render;
the search page went from 10.4 to 7.6 ms of CPU, the directories from 6.8 to 4.4 and 5.5
to 4.1, the moderation queue from 22.8 to 17.2 (commit messages have the sittings).
"""

import datetime
import decimal
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.template.loader import get_template
from django.utils.safestring import SafeString

MAX_KEPT = 5_000  # fragments per process (a few kB each: at most some tens of MB)

_kept: dict[tuple, SafeString] = {}


class _Setting:
    """settings.CORE_FRAGMENTS_KEPT, read once and again when a test changes it: a page asks
    on every card, and each read of Django's lazy settings costs about half a microsecond."""

    kept = None

    @classmethod
    def on(cls) -> bool:
        if cls.kept is None:
            cls.kept = bool(settings.CORE_FRAGMENTS_KEPT)
        return cls.kept


def _setting_changed(*, setting, **kwargs):
    if setting == "CORE_FRAGMENTS_KEPT":
        _Setting.kept = None


setting_changed.connect(_setting_changed)


# model -> its columns' attribute names, and which of them hold JSON (lists and dicts)
_columns: dict[type, tuple[tuple[str, ...], tuple[int, ...]]] = {}


def _row(obj: Model, related: bool = True) -> tuple:
    """Every column value this instance holds, and those of the rows select_related
    loaded with it (one level), read from the instance without a query."""
    model = type(obj)
    columns = _columns.get(model)
    if columns is None:
        fields = model._meta.concrete_fields
        columns = _columns[model] = (
            tuple(field.attname for field in fields),
            tuple(i for i, field in enumerate(fields) if field.get_internal_type() == "JSONField"),
        )
    names, json_at = columns
    own = tuple(map(obj.__dict__.get, names))
    if json_at:
        own = tuple(_value(value) if i in json_at else value for i, value in enumerate(own))
    cached = obj._state.fields_cache
    prefetched = getattr(obj, "_prefetched_objects_cache", None)
    if not related or not (cached or prefetched):
        return (model, own)
    rows = tuple(
        (name, _row(other, related=False) if isinstance(other, Model) else other)
        for name, other in sorted(cached.items())
    )
    if prefetched:
        rows += tuple(
            (name, tuple(_row(other, related=False) for other in queryset))
            for name, queryset in sorted(prefetched.items())
        )
    return (model, own, rows)


class _NotKeyable(Exception):
    pass


class Vetted(tuple):
    """A part of a key already found to hold only plain values (`vetted`): taken as it is,
    not walked again. For a large part worked out once and used on every view, such as a
    filter form's choices (core.forms.FilterForm.selects_key)."""

    __slots__ = ()


def vetted(value) -> Vetted | None:
    """`value` as a key's part (lists as tuples), checked once; None when it cannot be one."""
    try:
        return Vetted(_value(value))
    except _NotKeyable:
        return None


# Values that stand for themselves in a key (equal values, equal text). Anything else (an
# object hashed by its identity, say) could wrongly match a later one: never kept.
_PLAIN = (str, int, float, bool, type(None), datetime.date, datetime.datetime, datetime.timedelta, decimal.Decimal)


# The commonest of them, by exact type: a key's values are checked against these first.
_PLAIN_EXACT = frozenset((str, int, float, bool, type(None), datetime.date, datetime.datetime))


def _value(value):
    kind = type(value)
    if kind in _PLAIN_EXACT or kind is Vetted:
        return value
    if kind is tuple or kind is list:
        # A list of plain values (a row, a breakdown's pairs' parts) is its own key.
        if all(type(item) in _PLAIN_EXACT for item in value):
            return tuple(value)
        return tuple(_value(item) for item in value)
    if isinstance(value, Model):
        return _row(value)
    if isinstance(value, (list, tuple)):
        return tuple(_value(item) for item in value)
    if isinstance(value, dict):  # a row the view put together, or a JSON column's object
        return ("dict", tuple(sorted((key, _value(item)) for key, item in value.items())))
    if isinstance(value, _PLAIN):
        return value
    raise _NotKeyable


def _key(template_name: str, arguments: dict) -> tuple | None:
    """None when an argument cannot be part of a key (a set, an object that is not a row or
    a plain value): the fragment is then rendered every time."""
    try:
        return (template_name, tuple((name, _value(value)) for name, value in sorted(arguments.items())))
    except _NotKeyable:
        return None


def _render(template_name: str, arguments: dict) -> SafeString:
    return get_template(template_name).render(arguments)  # Django's templates give SafeString


def render_fragment(template_name: str, **arguments) -> SafeString:
    """The template rendered with these arguments only, kept while they are unchanged."""
    if not _Setting.on():
        return _render(template_name, arguments)
    key = _key(template_name, arguments)
    if key is None:
        return _render(template_name, arguments)
    return _kept_or_render(key, template_name, lambda: arguments)


def render_kept(template_name: str, key: Hashable, arguments: Callable[[], dict]) -> SafeString:
    """The template rendered with `arguments()`, kept under `key`, for a part of a page whose
    arguments cost more to work out than the few values they follow from (a report drawn
    from kept totals, say). `arguments` is called only when nothing is kept under the key, so
    the key must hold every value the arguments are made from, as plain values or row_key()s;
    the template keeps the same rule as a fragment's. A key of None renders every time: for
    a part drawn from values without bound (a query string anyone can type), which would
    only push kept fragments out."""
    if key is None or not _Setting.on():
        return _render(template_name, arguments())
    return _kept_or_render(("kept", template_name, key), template_name, arguments)


def render_page_kept(
    template_name: str, page, arguments: Callable[[], dict], *, keep: bool, also: Hashable = ()
) -> SafeString:
    """A list's page (a Django Page of plain rows, with its count and links) rendered with
    `arguments()`, kept under the count, the page's number, its rows and `also` (whatever
    else it shows: the query its links carry, the day) when `keep`. A page for a query
    anyone could make up is rendered every time instead (keep=False), so such queries
    cannot push kept fragments out."""
    key = (also, page.paginator.count, page.number, tuple(page.object_list)) if keep else None
    return render_kept(template_name, key, arguments)


def row_fragment(template_name: str, argument: str, model: type[Model], columns: tuple[str, ...], row: tuple, **plain):
    """`template_name` rendered with `argument` set to the `model` instance a values_list row
    of `columns` describes (its own columns, and `relation__column` for a relation to one row,
    a foreign key or either side of a one-to-one, one level), and the `plain` values; kept under the row and those values. A list page
    that reads its rows as plain values (no model instances, no key built back from them)
    makes an instance only when a row's fragment is rendered. Any column not in `columns`
    is deferred, as .only() leaves it, so a template reading one runs a query, which
    tests/core/test_fragments.py catches."""
    return render_kept(
        template_name,
        (row, tuple(sorted(plain.items()))),
        lambda: {argument: instance_from_row(model, columns, row), **plain},
    )


# (model, columns) -> how to make an instance from a row of them (see _recipe)
_recipes: dict[tuple, tuple] = {}


def _recipe(model: type[Model], columns: tuple[str, ...]) -> tuple:
    """The model's own columns in its order of fields (as Model.from_db takes them), where
    each is in a row, and the same for each related row's columns."""
    recipe = _recipes.get((model, columns))
    if recipe is None:
        own_at = [columns.index(f.attname) for f in model._meta.concrete_fields if f.attname in columns]
        by_relation: dict[str, list[tuple[int, str]]] = {}
        for at, column in enumerate(columns):
            if "__" in column:
                relation, name = column.split("__", 1)
                by_relation.setdefault(relation, []).append((at, name))
        relations = []
        for relation, wanted in by_relation.items():
            field = model._meta.get_field(relation)
            single = field.is_relation and (field.concrete or field.one_to_one)
            if not single or any("__" in name for _, name in wanted):
                raise ValueError(f"row_fragment: {relation} is not a relation to one row, one level deep")
            order = {f.attname: i for i, f in enumerate(field.related_model._meta.concrete_fields)}
            wanted = sorted(wanted, key=lambda item: order[item[1]])
            relations.append((field, [name for _, name in wanted], [at for at, _ in wanted]))
        recipe = _recipes[(model, columns)] = ([columns[at] for at in own_at], own_at, relations)
    return recipe


def instance_from_row(model: type[Model], columns: tuple[str, ...], row: tuple) -> Model:
    """The instance a values_list row of `columns` describes, with its related rows cached on
    it (None where all of a relation's columns are None: for a reverse one-to-one, as
    select_related leaves it when there is no such row)."""
    names, own_at, relations = _recipe(model, columns)
    obj = model.from_db(DEFAULT_DB_ALIAS, names, [row[at] for at in own_at])
    for field, related_names, related_at in relations:
        values = [row[at] for at in related_at]
        other = None
        if any(value is not None for value in values):
            other = field.related_model.from_db(DEFAULT_DB_ALIAS, related_names, values)
        field.set_cached_value(obj, other)
    return obj


def row_key(obj: Model) -> tuple:
    """Every column value of a row (JSON columns included), for a render_kept key."""
    return _row(obj, related=False)


def render_part_kept(place: tuple, values: tuple, render: Callable[[], str]) -> SafeString:
    """`render()`, a part of a template ({% kept %}), kept under its `place` (the template and
    the part's name) and the `values` it is drawn from, which follow the same rule as a
    fragment's arguments; one that cannot be part of a key renders every time."""
    if not _Setting.on():
        return SafeString(render())
    try:
        key = ("part", place, _value(values))
    except _NotKeyable:
        return SafeString(render())
    return _kept_or_make(key, lambda: SafeString(render()))


def _kept_or_render(key, template_name: str, arguments: Callable[[], dict]) -> SafeString:
    return _kept_or_make(key, lambda: _render(template_name, arguments()))


def _kept_or_make(key, make: Callable[[], SafeString]) -> SafeString:
    html = _kept.get(key)
    if html is None:
        html = make()
        if len(_kept) >= MAX_KEPT:
            try:
                del _kept[next(iter(_kept))]  # the oldest kept
            except (KeyError, StopIteration, RuntimeError):  # another thread got there first
                pass
        _kept[key] = html
    return html


def clear() -> None:
    _kept.clear()
