"""The moderation queue registry. Each programme registers what waits for a decision
(held pledges, reported items, stories, organisations to verify) and the actions a
moderator can take; the queue page, claims, bulk actions and the audit log are shared.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from accounts.roles import is_moderator


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


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    _queues[queue.key] = queue


def all_queues() -> list[Queue]:
    return sorted(_queues.values(), key=lambda q: (q.position, q.label))


def get_queue(key: str) -> Queue | None:
    return _queues.get(key)
