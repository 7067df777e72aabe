"""Tell moderators when work is waiting: one email per moderator per half-day window when
an item has waited longer than MODERATION_ALERT_HOURS or a queue holds more than
MODERATION_ALERT_SIZE items. Never one email per item."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from mail.models import Email
from mail.services import email_queue

from .queues import all_queues

logger = logging.getLogger(__name__)


def backlog_summary(*, now=None) -> list[dict]:
    now = now or timezone.now()
    hours = settings.MODERATION_ALERT_HOURS
    size = settings.MODERATION_ALERT_SIZE
    breaches = []
    for queue in all_queues():
        waiting = queue.waiting()
        count = waiting[: size + 1].count()
        oldest = waiting.first()
        since = (getattr(oldest, "waiting_since", None) or getattr(oldest, "created_at", None)) if oldest else None
        too_old = since is not None and now - since > timedelta(hours=hours)
        if too_old or count > size:
            breaches.append(
                {
                    "queue": queue.label,
                    "key": queue.key,
                    "count": f"more than {size}" if count > size else str(count),
                    "oldest_hours": int((now - since).total_seconds() // 3600) if since else 0,
                }
            )
    return breaches


def moderators():
    User = get_user_model()
    return User.objects.filter(Q(groups__name="Moderators") | Q(is_superuser=True), is_active=True).distinct()


def backlog_alert(*, now=None, dry_run: bool = False) -> list[str]:
    """Queue one alert per moderator for this window; returns who would be (or was) told."""
    now = now or timezone.now()
    breaches = backlog_summary(now=now)
    if not breaches:
        logger.info("moderation alert: nothing waiting too long")
        return []
    window = f"{timezone.localtime(now):%Y-%m-%d}-{'am' if timezone.localtime(now).hour < 12 else 'pm'}"
    told = []
    for person in moderators():
        told.append(person.email)
        if not dry_run:
            email_queue(
                kind="moderation-backlog",
                to=person.email,
                key=f"moderation-backlog:{window}:{person.pk}",
                category=Email.Category.STAFF,
                context={"breaches": breaches, "hours": settings.MODERATION_ALERT_HOURS},
            )
    logger.info(
        "moderation alert: %s queues over the limits, %s moderators %s",
        len(breaches),
        len(told),
        "would be told" if dry_run else "told",
    )
    return told
