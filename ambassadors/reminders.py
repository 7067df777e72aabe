"""Periodic Care Maker jobs. Each returns what it did (or would do) so the command can print it.

Every email is keyed in the outbox and every row is marked, so running a job twice sends once.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail.models import Email
from mail.services import email_queue

from . import services
from .models import Application, CareMaker, RegionalLead

logger = logging.getLogger(__name__)

RECOMMIT_EVERY = timedelta(days=365)
LAPSE_AFTER = timedelta(days=services.LAPSE_AFTER_DAYS)
ENDORSE_REMIND_AFTER = timedelta(days=7)
WAITING_ALERT_AFTER = timedelta(days=7)


def send_recommit_requests(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Ask each Care Maker once a year to recommit."""
    now = now or timezone.now()
    done = []
    due = CareMaker.objects.filter(active=True, last_recommitted_at__lte=now - RECOMMIT_EVERY).select_related("user")
    for care_maker in due:
        if care_maker.recommit_requested_at and care_maker.recommit_requested_at > care_maker.last_recommitted_at:
            continue
        done.append(f"recommit request to {care_maker.user.email} (Care Maker {care_maker.number})")
        if dry_run:
            continue
        with transaction.atomic():
            email_queue(
                kind="care-makers-recommit",
                to=care_maker.user.email,
                key=f"care-makers-recommit:{care_maker.pk}:{care_maker.last_recommitted_at:%Y%m%d%H%M%S}",
                # Not optional mail: without it the Care Maker would lapse without being asked.
                category=Email.Category.TRANSACTIONAL,
                context={
                    "name": care_maker.user.get_short_name(),
                    "number": care_maker.number,
                    "recommit_path": services.recommit_path(care_maker),
                    "days": services.LAPSE_AFTER_DAYS,
                },
            )
            CareMaker.objects.filter(pk=care_maker.pk).update(recommit_requested_at=now)
    return done


def lapse_unrecommitted(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Those asked more than 30 days ago who have not recommitted become inactive."""
    now = now or timezone.now()
    done = []
    due = CareMaker.objects.filter(active=True, recommit_requested_at__lte=now - LAPSE_AFTER).select_related("user")
    for care_maker in due:
        if care_maker.last_recommitted_at >= care_maker.recommit_requested_at:
            continue
        done.append(f"lapse Care Maker {care_maker.number} ({care_maker.user.email})")
        if not dry_run:
            services.caremaker_lapse(care_maker=care_maker, now=now)
    return done


def send_endorsement_reminders(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """One reminder to a line manager who has not endorsed within a week."""
    now = now or timezone.now()
    done = []
    due = (
        Application.objects.filter(
            status=Application.Status.SUBMITTED,
            endorsed_at__isnull=True,
            endorsement_reminded_at__isnull=True,
            submitted_at__lte=now - ENDORSE_REMIND_AFTER,
        )
        .exclude(manager_email="")
        .select_related("user")
    )
    for application in due:
        done.append(f"endorsement reminder to {application.manager_email} (application {application.pk})")
        if dry_run:
            continue
        with transaction.atomic():
            claimed = Application.objects.filter(pk=application.pk, endorsement_reminded_at__isnull=True).update(
                endorsement_reminded_at=now
            )
            if claimed:
                services._queue_endorsement_request(application, reminder=True)
    return done


def send_waiting_alerts(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Tell each region's leads, at most once a day, about applications waiting over a week."""
    now = now or timezone.now()
    done = []
    old = Application.objects.filter(status=Application.Status.SUBMITTED, submitted_at__lte=now - WAITING_ALERT_AFTER)
    by_region: dict[str, int] = {}
    for region in old.values_list("region", flat=True):
        by_region[region] = by_region.get(region, 0) + 1
    leads = RegionalLead.objects.filter(region__in=by_region).select_related("user")
    for lead in leads:
        count = by_region[lead.region]
        key = f"care-makers-applications-waiting:{lead.pk}:{timezone.localdate(now):%Y-%m-%d}"
        if Email.objects.filter(key=key).exists():
            continue  # already told today
        done.append(f"{count} waiting in {lead.get_region_display()} to {lead.user.email}")
        if dry_run:
            continue
        email_queue(
            kind="care-makers-applications-waiting",
            to=lead.user.email,
            key=key,
            category=Email.Category.STAFF,
            context={
                "name": lead.user.get_short_name(),
                "count": count,
                "region": lead.get_region_display(),
                "review_path": reverse("ambassadors:review") + f"?region={lead.region}",
            },
        )
    return done


def applications_waiting_for_staff(now: datetime) -> tuple[int, str, str]:
    """For the mail app's daily staff note to programme admins: applications waiting over a week."""
    count = Application.objects.filter(
        status=Application.Status.SUBMITTED, submitted_at__lte=now - WAITING_ALERT_AFTER
    ).count()
    return count, "Care Maker applications waiting more than 7 days for a decision", reverse("ambassadors:review")


JOBS = [send_recommit_requests, lapse_unrecommitted, send_endorsement_reminders, send_waiting_alerts]


def run_all(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, list[str]]:
    results = {job.__name__: job(now=now, dry_run=dry_run) for job in JOBS}
    logger.info(
        "care maker reminders%s: %s",
        " (dry run)" if dry_run else "",
        ", ".join(f"{name} {len(items)}" for name, items in results.items()),
    )
    return results
