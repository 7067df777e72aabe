"""Reminders about pledges, sent by a daily job (pledges.tasks.send_pledge_reminders).

- Nudge: a pledge still unconfirmed two days on gets one more confirmation link, once.
- Follow-up: thirty days after publishing, "did you do it?", with a signed link to mark the
  pledge done and tell the story.

Each pledge is claimed by one conditional UPDATE before its email is queued, and each email
has a key, so running the job twice (or two workers at once) sends nothing twice.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail.models import Email
from mail.services import email_queue

from .models import Pledge
from .services import CONFIRM_MAX_AGE, confirm_token, manage_token

logger = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(days=2)
FOLLOWUP_AFTER = timedelta(days=30)
BATCH = 500


@dataclass
class ReminderRun:
    nudges: list[str] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)


def nudges_due(now):
    return Pledge.objects.filter(
        status=Pledge.Status.UNCONFIRMED,
        nudge_sent_at__isnull=True,
        created_at__lte=now - NUDGE_AFTER,
        created_at__gt=now - CONFIRM_MAX_AGE + timedelta(hours=12),
    ).select_related("campaign")


def followups_due(now):
    return Pledge.objects.filter(
        status__in=Pledge.PUBLIC,
        done_at__isnull=True,
        followup_sent_at__isnull=True,
        published_at__lte=now - FOLLOWUP_AFTER,
    ).select_related("campaign")


def _claim(pledge: Pledge, field_name: str, now) -> bool:
    return Pledge.objects.filter(pk=pledge.pk, **{f"{field_name}__isnull": True}).update(**{field_name: now}) == 1


def pledge_reminders_send(*, now=None, dry_run: bool = False) -> ReminderRun:
    now = now or timezone.now()
    run = ReminderRun()
    for pledge in nudges_due(now).order_by("id")[:BATCH]:
        run.nudges.append(f"nudge to {pledge.email} for pledge {pledge.pk}")
        if dry_run:
            continue
        with transaction.atomic():
            if _claim(pledge, "nudge_sent_at", now):
                email_queue(
                    kind="pledge-nudge",
                    to=pledge.email,
                    key=f"pledge-nudge:{pledge.pk}",
                    category=Email.Category.REMINDERS,
                    context={
                        "name": pledge.first_name,
                        "text": pledge.text,
                        "campaign": pledge.campaign.name,
                        "confirm_url": settings.SITE_URL + reverse("pledges:confirm", args=[confirm_token(pledge)]),
                    },
                )
    for pledge in followups_due(now).order_by("id")[:BATCH]:
        run.followups.append(f"follow-up to {pledge.email} for pledge {pledge.pk}")
        if dry_run:
            continue
        with transaction.atomic():
            if _claim(pledge, "followup_sent_at", now):
                email_queue(
                    kind="pledge-followup",
                    to=pledge.email,
                    key=f"pledge-followup:{pledge.pk}",
                    category=Email.Category.REMINDERS,
                    context={
                        "name": pledge.first_name,
                        "text": pledge.text,
                        "campaign": pledge.campaign.name,
                        "manage_url": settings.SITE_URL + reverse("pledges:manage_signed", args=[manage_token(pledge)]),
                        "pledge_url": settings.SITE_URL + pledge.get_absolute_url(),
                    },
                )
    logger.info(
        "pledge reminders%s: %s nudges, %s follow-ups",
        " (dry run)" if dry_run else "",
        len(run.nudges),
        len(run.followups),
    )
    return run
