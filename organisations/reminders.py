"""Reminders queued for the mail engine. Each message key names the event, so a job run
twice (or by hand as well as by beat) queues nothing twice."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail.models import Email
from mail.services import email_queue

from .models import RENEWAL_WARNING, CommitmentTask, EmployerCommitment, Organisation
from .selectors import programme_admins, representatives

logger = logging.getLogger(__name__)

DUE_SOON = timedelta(days=7)
UNVERIFIED_AFTER = timedelta(days=3)


@dataclass(frozen=True)
class Reminder:
    kind: str
    to: str
    key: str
    context: dict
    category: str


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _task_reminders(today: date) -> list[Reminder]:
    reminders = []
    tasks = CommitmentTask.objects.filter(done_at__isnull=True, target_date__lte=today + DUE_SOON).select_related(
        "commitment__organisation"
    )
    for task in tasks:
        organisation = task.commitment.organisation
        kind = "organisation-task-overdue" if task.target_date < today else "organisation-task-due"
        for rep in representatives(organisation):
            reminders.append(
                Reminder(
                    kind=kind,
                    to=rep.email,
                    # The date is in the key: a task moved to a new date is reminded about again.
                    key=f"{kind}:{task.pk}:{task.target_date.isoformat()}:{rep.pk}",
                    category=Email.Category.REMINDERS,
                    context={
                        "name": rep.get_short_name(),
                        "organisation": organisation.name,
                        "task": task.task_text,
                        "statement_number": task.statement_number,
                        "target_date": _day(task.target_date),
                        "dashboard_path": reverse("organisations:dashboard", args=[organisation.slug]),
                    },
                )
            )
    return reminders


def _renewal_reminders(today: date) -> list[Reminder]:
    reminders = []
    due = EmployerCommitment.objects.filter(
        renewal_due_on__lte=today + RENEWAL_WARNING, renewal_due_on__gte=today
    ).select_related("organisation")
    for commitment in due:
        organisation = commitment.organisation
        for rep in representatives(organisation):
            reminders.append(
                Reminder(
                    kind="organisation-renewal-due",
                    to=rep.email,
                    key=f"organisation-renewal-due:{commitment.pk}:{commitment.renewal_due_on.isoformat()}:{rep.pk}",
                    category=Email.Category.REMINDERS,
                    context={
                        "name": rep.get_short_name(),
                        "organisation": organisation.name,
                        "renewal_due_on": _day(commitment.renewal_due_on),
                        "dashboard_path": reverse("organisations:dashboard", args=[organisation.slug]),
                    },
                )
            )
    return reminders


def _unverified_reminders(now: datetime) -> list[Reminder]:
    reminders = []
    waiting = Organisation.objects.filter(verified_at__isnull=True, created_at__lt=now - UNVERIFIED_AFTER)
    admins = list(programme_admins())
    for organisation in waiting:
        for admin in admins:
            reminders.append(
                Reminder(
                    kind="organisation-unverified",
                    to=admin.email,
                    key=f"organisation-unverified:{organisation.pk}:{admin.pk}",
                    category=Email.Category.STAFF,
                    context={
                        "organisation": organisation.name,
                        "type": organisation.get_type_display(),
                        "town": organisation.town,
                        "cqc_provider_id": organisation.cqc_provider_id,
                        "ods_code": organisation.ods_code,
                        "registered_on": _day(timezone.localtime(organisation.created_at).date()),
                        "days": (now - organisation.created_at).days,
                        "admin_path": reverse("admin:organisations_organisation_change", args=[organisation.pk]),
                    },
                )
            )
    return reminders


def due_reminders(*, now: datetime | None = None) -> list[Reminder]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    return _task_reminders(today) + _renewal_reminders(today) + _unverified_reminders(now)


def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Queue every reminder that is due and not yet queued. Returns counts by kind of new messages."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for reminder in due_reminders(now=now):
            if Email.objects.filter(key=reminder.key).exists():
                continue
            email_queue(
                kind=reminder.kind,
                to=reminder.to,
                key=reminder.key,
                context=reminder.context,
                category=reminder.category,
            )
            counts[reminder.kind] = counts.get(reminder.kind, 0) + 1
    logger.info("organisation reminders: %s", counts or "none due")
    return counts
