"""What the queue page counts and lists: every tab's count, the overdue count and the page
of items, in one query for the counts (kept a few seconds per process) and one for the
items (with their claims).

No count goes past what the page shows. The tabs stop at COUNT_CAP ("999+"); the queue being
paged is counted just far enough to know whether the asked-for page has one after it, so a
moderator can still reach every item, oldest first, and the page links say "of 20 or more"
when the queue holds more than was counted.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from core.fragments import render_kept
from core.kept import kept_answer
from core.queries import counts_together

from .queues import Queue

PER_PAGE = 50
COUNT_CAP = 1000  # tab counts stop at 999+: a queue count never scans a big table
OVERDUE_AFTER = timedelta(days=2)
# How long each process keeps the page's counts (the tabs, the overdue count, how far the
# queue is paged) is settings.MODERATION_COUNTS_SECONDS. A decision made through the queue
# pages is counted at once in the process that made it (counts_changed); anything else, such
# as a new held pledge, within that many seconds, as the directories' counts are. The rows
# themselves are read on every view.
_counts_generation = 0
# Past this page, or below page 1 (which Paginator answers with the last page), the queue is
# counted to its end, as it was before counts stopped at a cap: only a hand-made link asks.
_LAST_CAPPED_PAGE = 100_000


class CappedPaginator(Paginator):
    """Django's Paginator over a count that may have stopped at `cap`; `more` says the queue
    may hold more than was counted, so num_pages is then the least it may be."""

    def __init__(self, object_list, per_page: int, *, count: int, cap: int | None):
        super().__init__(object_list, per_page)
        self.count = count  # Paginator counts on first use; this one is given its count
        self.more = cap is not None and count >= cap

    def page(self, number):
        """As Paginator.page(), but a page is read up to its full length even past the count:
        the count may be a few seconds old (MODERATION_COUNTS_SECONDS), and an item that arrived since
        is shown rather than left off the last page."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


def count_cap(asked_page) -> int | None:
    """Enough to tell whether page `asked_page` (as Paginator.get_page reads it) has a page
    after it, and never below the tabs' cap; None to count everything."""
    try:
        number = int(asked_page)
    except (TypeError, ValueError):
        number = 1  # Paginator shows the first page
    if not 1 <= number <= _LAST_CAPPED_PAGE:
        return None
    return max(COUNT_CAP, number * PER_PAGE + 1)


def counts_changed() -> None:
    """Items were decided in this process: its next queue page counts again."""
    global _counts_generation
    _counts_generation += 1


def overdue_before(now: datetime) -> datetime:
    """Items that started waiting before this are overdue: two days before `now`, to the
    minute (waits are shown to the minute, and the counts are kept by it)."""
    return now.replace(second=0, microsecond=0) - OVERDUE_AFTER


def tab(queue: Queue, count: int, *, current: bool) -> dict:
    """What a queue's tab shows (templates/moderation/_tabs.html), as plain values."""
    return {"key": queue.key, "label": queue.label, "count": capped(count), "current": current}


def capped(count: int) -> str | int:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else count


def page_links(page: Page, query: str) -> SafeString:
    """The previous and next page links (includes/pagination.html), kept rendered by all they
    show: the page's number, how many pages (and whether there may be more) and `query`,
    the other GET parameters they carry."""
    paginator = page.paginator
    key = ("moderation-queue", page.number, paginator.num_pages, paginator.more, query)
    return render_kept("includes/pagination.html", key, lambda: {"page": page, "query": query})


def queue_listing(queue: Queue, visible: list[Queue], *, asked_page, overdue_only: bool, now: datetime) -> dict:
    """The page of `queue` asked for (only its overdue items with `overdue_only`) and its
    links to the pages beside it, the tabs of the `visible` queues with their counts, the
    overdue count (None on the overdue page, which says what it shows instead) and
    `waiting`, the total the header shows."""
    before = overdue_before(now)
    cap = count_cap(asked_page)
    caps = [cap if other is queue and not overdue_only else COUNT_CAP for other in visible]
    overdue_cap = cap if overdue_only else COUNT_CAP
    asks = [other.counting(its_cap) for other, its_cap in zip(visible, caps, strict=True)]
    asks.append(queue.counting(overdue_cap, before=before))
    depends_on = (_counts_generation, [other.key for other in visible], caps, queue.key, overdue_cap, before)
    seconds = settings.MODERATION_COUNTS_SECONDS
    *counts, overdue = kept_answer("moderation-counts", depends_on, lambda: counts_together(*asks), seconds)
    paged = overdue if overdue_only else counts[visible.index(queue)]
    pages = queue.pages(now=now, before=before if overdue_only else None)
    page: Page = CappedPaginator(pages, PER_PAGE, count=paged, cap=cap).get_page(asked_page)
    return {
        "page": page,
        "page_links": page_links(page, "overdue=1" if overdue_only else ""),
        "tabs": [tab(other, count, current=other is queue) for other, count in zip(visible, counts, strict=True)],
        "overdue_count": None if overdue_only else capped(overdue),
        "waiting": sum(min(count, COUNT_CAP) for count in counts),
    }


def decision_reasons(queue: Queue) -> tuple[tuple[int, str], ...]:
    """The active reasons a decision on `queue` may give, (id, label), in the form's order.
    A queue's decision fields are kept rendered (queue.html, {% kept %}) under them; admins
    edit them, so each process reads them at most once every MODERATION_REASONS_SECONDS
    (a minute; 0 in tests)."""
    from .models import Reason

    def read():
        found = Reason.objects.filter(active=True, applies_to__in=["any", queue.reason_scope])
        return tuple(found.values_list("pk", "label"))

    seconds = settings.MODERATION_REASONS_SECONDS
    return kept_answer("moderation-reasons", queue.reason_scope, read, seconds)
