"""The moderation queue registry. Each programme registers what waits for a decision
(held pledges, reported items, stories, organisations to verify) and the actions a
moderator can take; the queue page, claims, bulk actions and the audit log are shared.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from accounts.roles import is_moderator
from core.queries import KeptPages, KeptQuery, kept_query


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
    row_template: str  # renders one item (context: item)
    actions: dict[str, Action] = field(default_factory=dict)
    can_view: Callable = lambda user: is_moderator(user)
    contact: Callable | None = None  # item -> contact details, shown only on request (recorded)
    position: int = 50
    since_field: str = "created_at"  # when an item started waiting: overdue times and the filter

    # The queue page, its tabs, the header's count and the staff digest read these on every
    # view: kept queries (core/queries.py), so their SQL is compiled once per process.
    def pages(self, *, before: datetime | None = None) -> KeptPages:
        """What waits, oldest first, for Paginator; only what started waiting before `before`."""
        return _kept_waiting(self).pages(before=before or "")

    def count_waiting(self, cap: int, *, before: datetime | None = None) -> int:
        """How many wait (started before `before`), counted to at most `cap`."""
        return _kept_waiting(self).count(cap, before=before or "")


_kept: dict[tuple, KeptQuery] = {}


def _kept_waiting(queue: Queue) -> KeptQuery:
    key = (queue.waiting, queue.since_field)
    kept = _kept.get(key)
    if kept is None:

        def build(*, before):
            waiting = queue.waiting()
            return waiting.filter(**{f"{queue.since_field}__lt": before}) if before else waiting

        kept = _kept[key] = kept_query(build)
    return kept


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    _queues[queue.key] = queue


def all_queues() -> list[Queue]:
    return sorted(_queues.values(), key=lambda q: (q.position, q.label))


def get_queue(key: str) -> Queue | None:
    return _queues.get(key)
