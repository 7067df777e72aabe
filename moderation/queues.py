"""The moderation queue registry. Each programme registers what waits for a decision
(held pledges, reported items, stories, organisations to verify) and the actions a
moderator can take; the queue page, claims, bulk actions and the audit log are shared.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, OuterRef, QuerySet, Subquery

from accounts.roles import is_moderator
from core.queries import KeptPages, KeptQuery, kept_query

from .models import Claim


@dataclass(frozen=True)
class Action:
    label: str
    # run(item, moderator=..., reason=..., note=...) decides the item through its app's
    # decision service (which writes the audit row and queues the author's email); it must
    # raise AlreadyDecided when the item is no longer waiting.
    run: Callable[..., None]
    needs_reason: bool = False
    style: str = ""  # "secondary" or "warning" for the button


@dataclass(frozen=True)
class Queue:
    key: str  # in URLs: "held-pledges"
    label: str  # tab label
    item_type: str  # in claims and the audit log: "pledge"
    reason_scope: str  # Reason.AppliesTo value
    waiting: Callable[[], QuerySet]  # oldest first, by since_field
    # Renders one item (context: item, and the row's extras). It reads only `row_columns`
    # and the extras: each row is kept rendered under their values (core/fragments.py).
    row_template: str
    actions: dict[str, Action] = field(default_factory=dict)
    can_view: Callable = lambda user: is_moderator(user)
    contact: Callable | None = None  # item -> contact details, shown only on request (recorded)
    position: int = 50
    since_field: str = "created_at"  # when an item started waiting: overdue times and the filter
    # The columns the row template reads, as values_list names ("relation__column" for a row
    # it links to, one level; plain values, no JSON). The queue page reads its rows as these
    # values only.
    row_columns: tuple[str, ...] = ("id",)
    # What the row template reads beside its columns, read once for the whole page:
    # (row_columns, the page's rows as tuples that start with those columns) -> a dict of
    # plain values per row, in order (the reports on each reported pledge, say). Plain:
    # strings, numbers, dates, tuples.
    row_extras: Callable[[tuple[str, ...], list[tuple]], list[dict]] | None = None

    # The queue page, its tabs, the header's count and the staff digest read these on every
    # view: kept queries (core/queries.py), so their SQL is compiled once per process.
    def pages(self, *, now: datetime, before: datetime | None = None) -> KeptPages:
        """What waits, oldest first, for Paginator; only what started waiting before `before`.
        Each item is a tuple: its row_columns, then `claimed_by` (None, or the name, "" for
        none given, of the moderator whose claim on it is live at `now`), then when it
        started waiting (its since_field)."""
        return _kept_rows(self).pages(before=before or "", now=now)

    def count_waiting(self, cap: int, *, before: datetime | None = None) -> int:
        """How many wait (started before `before`), counted to at most `cap`."""
        return _kept_waiting(self).count(cap, before=before or "")

    def counting(self, cap: int | None, *, before: datetime | None = None) -> tuple:
        """count_waiting(cap, before=before), asked for with others in one query
        (core.queries.counts_together)."""
        return (_kept_waiting(self), cap, {"before": before or ""})


_kept: dict[tuple, KeptQuery] = {}


def _waiting_before(queue: Queue, before) -> QuerySet:
    waiting = queue.waiting()
    return waiting.filter(**{f"{queue.since_field}__lt": before}) if before else waiting


def _kept_waiting(queue: Queue) -> KeptQuery:
    key = ("waiting", queue.waiting, queue.since_field)
    kept = _kept.get(key)
    if kept is None:
        kept = _kept[key] = kept_query(lambda *, before: _waiting_before(queue, before))
    return kept


def _kept_rows(queue: Queue) -> KeptQuery:
    """The page's rows as values (see Queue.pages), each with the name of whoever claims it
    now: read with them, not in a query of its own (a list of ids, which would be compiled
    on every view)."""
    key = ("rows", queue.waiting, queue.since_field, queue.item_type, queue.row_columns)
    kept = _kept.get(key)
    if kept is None:

        def build(*, before, now):
            claims = Claim.objects.filter(item_type=queue.item_type, item_id=OuterRef("pk"), expires_at__gt=now)
            claimed_by = Subquery(claims.values("moderator__display_name")[:1])
            rows = _waiting_before(queue, before).annotate(claimed_by=claimed_by, waiting_since=F(queue.since_field))
            return rows.values_list(*queue.row_columns, "claimed_by", "waiting_since")

        kept = _kept[key] = kept_query(build)
    return kept


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    _queues[queue.key] = queue


def all_queues() -> list[Queue]:
    return sorted(_queues.values(), key=lambda q: (q.position, q.label))


def get_queue(key: str) -> Queue | None:
    return _queues.get(key)


def note_waiting(user, total: int) -> None:
    """The queue page has just counted every queue this person sees (each to the tabs' cap):
    the header shows that total rather than asking the cache for it (pages.navigation)."""
    user._moderation_waiting = total


def noted_waiting(user) -> int | None:
    """The total a page noted for this person in this request, if any."""
    return getattr(user, "_moderation_waiting", None)
