"""What the moderation queues hold too long, for the staff digest (mail/reminders.py).

A queue is reported when its oldest item has waited longer than MODERATION_ALERT_HOURS or it
holds more than MODERATION_ALERT_SIZE items; it goes to whoever may work that queue (its
`can_view`, over the moderators that accounts.roles defines). Never one email per item.
"""

from datetime import datetime, timedelta

from django.conf import settings

from accounts.roles import moderators
from core.urls import reverse
from mail.reminders import Waiting

from .queues import all_queues


def queues_waiting(now: datetime) -> list[Waiting]:
    hours = settings.MODERATION_ALERT_HOURS
    size = settings.MODERATION_ALERT_SIZE
    found = []
    staff = None
    for queue in all_queues():
        count = queue.count_waiting(size + 1)
        oldest = queue.waiting().first()
        since = getattr(oldest, queue.since_field) if oldest else None
        too_old = since is not None and now - since > timedelta(hours=hours)
        if not (too_old or count > size):
            continue
        if staff is None:
            staff = list(moderators())
        oldest_hours = int((now - since).total_seconds() // 3600) if since else 0
        found.append(
            Waiting(
                description=(
                    f"{queue.label}: {f'more than {size}' if count > size else count} waiting, "
                    f"the oldest for {oldest_hours} hour{'s' if oldest_hours != 1 else ''}"
                ),
                path=reverse("moderation:queue", args=[queue.key]),
                staff=[person for person in staff if queue.can_view(person)],
            )
        )
    return found
