"""Reminders about pledges, sent by a daily job (pledges.tasks.send_pledge_reminders).

- Nudge: a pledge still unconfirmed two days on gets one more confirmation link, once.
- Follow-up: thirty days after publishing, "did you do it?", with a signed link to mark the
  pledge done and tell the story.
- Closing: a week before the current campaign closes, each person with a pledge on the wall
  hears that there is a week left to share it and bring colleagues along.

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

from .models import Campaign, Pledge, PledgerCampaign
from .services import CONFIRM_MAX_AGE, confirm_token, manage_token

logger = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(days=2)
FOLLOWUP_AFTER = timedelta(days=30)
CLOSING_BEFORE = timedelta(days=7)
BATCH = 500
# Closing reminders go to everyone in a campaign: this many per run (the job runs hourly).
CLOSING_PER_RUN = 20000


@dataclass
class ReminderRun:
    nudges: list[str] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)


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
    _closing(run, now, dry_run)
    logger.info(
        "pledge reminders%s: %s nudges, %s follow-ups, %s closing",
        " (dry run)" if dry_run else "",
        len(run.nudges),
        len(run.followups),
        len(run.closing),
    )
    return run


def closing_due(now):
    campaign = Campaign.objects.filter(is_current=True, closes_at__gt=now, closes_at__lte=now + CLOSING_BEFORE).first()
    if campaign is None:
        return None, PledgerCampaign.objects.none()
    people = (
        PledgerCampaign.objects.filter(campaign=campaign, pledges__gt=0, closing_reminded_at__isnull=True)
        .exclude(email_normalised__startswith="erased:")
        .order_by("id")
    )
    return campaign, people


def _closing(run: ReminderRun, now, dry_run: bool) -> None:
    campaign, people = closing_due(now)
    if campaign is None:
        return
    context = {
        "campaign": campaign.name,
        "closes_on": timezone.localtime(campaign.closes_at).strftime("%-d %B %Y"),
        "wall_url": settings.SITE_URL + reverse("pledges:index"),
        "new_url": settings.SITE_URL + reverse("pledges:new"),
    }
    while len(run.closing) < CLOSING_PER_RUN:
        batch = list(people.values_list("id", "email_normalised")[:BATCH])
        if dry_run:
            run.closing += [f"closing reminder to {email} for {campaign.name}" for _, email in batch]
            return
        if not batch:
            return
        with transaction.atomic():
            # Only rows this run moves from NULL are its to send: a second worker gets none of them.
            ids = [pk for pk, _ in batch]
            claimed = set(
                PledgerCampaign.objects.filter(id__in=ids, closing_reminded_at__isnull=True)
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)
            )
            PledgerCampaign.objects.filter(id__in=claimed).update(closing_reminded_at=now)
            for pk, email in batch:
                if pk not in claimed:
                    continue
                email_queue(
                    kind="pledge-closing",
                    to=email,
                    key=f"pledge-closing:{campaign.pk}:{email}",
                    category=Email.Category.REMINDERS,
                    context=context,
                )
                run.closing.append(f"closing reminder to {email} for {campaign.name}")
