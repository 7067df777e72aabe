"""Social Care Commitment reminders, as jobs of the reminder engine (mail/reminders.py),
declared in OrganisationsConfig.ready.

Each reminder's `about` names the event (a task and its target date, a commitment and its
renewal date), so a job run twice queues nothing twice, and a task given a new date is
reminded about again.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.roles import programme_admins
from core.urls import reverse
from mail.models import Email
from mail.reminders import Reminder, ReminderJob

from .models import RENEWAL_WARNING, CommitmentTask, EmployerCommitment, Organisation
from .selectors import representatives

DUE_SOON = timedelta(days=7)
UNVERIFIED_AFTER = timedelta(days=3)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _dashboard(organisation: Organisation) -> str:
    return reverse("organisations:dashboard", args=[organisation.slug])


class _TaskJob(ReminderJob):
    overdue = False

    def tasks(self, today: date):
        raise NotImplementedError

    def due(self, now: datetime) -> Iterable[Reminder]:
        today = timezone.localdate(now)
        for task in self.tasks(today).select_related("commitment__organisation"):
            organisation = task.commitment.organisation
            for rep in representatives(organisation):
                yield Reminder(
                    to=rep.email,
                    about=f"task-{task.pk}-{task.target_date.isoformat()}",
                    context={
                        "name": rep.get_short_name(),
                        "organisation": organisation.name,
                        "task": task.task_text,
                        "statement_number": task.statement_number,
                        "target_date": _day(task.target_date),
                        "dashboard_path": _dashboard(organisation),
                    },
                )


class TaskDue(_TaskJob):
    name = "organisation-task-due"
    help = "To representatives: a commitment task due within 7 days."

    def tasks(self, today: date):
        return CommitmentTask.objects.filter(done_at__isnull=True, target_date__range=(today, today + DUE_SOON))


class TaskOverdue(_TaskJob):
    name = "organisation-task-overdue"
    help = "To representatives: a commitment task past its target date and not done."

    def tasks(self, today: date):
        return CommitmentTask.objects.filter(done_at__isnull=True, target_date__lt=today)


class RenewalDue(ReminderJob):
    name = "organisation-renewal-due"
    help = "To representatives: the yearly renewal is due within 30 days."

    def due(self, now: datetime) -> Iterable[Reminder]:
        today = timezone.localdate(now)
        commitments = EmployerCommitment.objects.filter(
            renewal_due_on__range=(today, today + RENEWAL_WARNING)
        ).select_related("organisation")
        for commitment in commitments:
            organisation = commitment.organisation
            for rep in representatives(organisation):
                yield Reminder(
                    to=rep.email,
                    about=f"commitment-{commitment.pk}-{commitment.renewal_due_on.isoformat()}",
                    context={
                        "name": rep.get_short_name(),
                        "organisation": organisation.name,
                        "renewal_due_on": _day(commitment.renewal_due_on),
                        "dashboard_path": _dashboard(organisation),
                    },
                )


class Unverified(ReminderJob):
    name = "organisation-unverified"
    help = "To programme admins: an organisation has waited more than 3 days to be verified."
    category = Email.Category.STAFF

    def due(self, now: datetime) -> Iterable[Reminder]:
        waiting = Organisation.objects.awaiting_verification().filter(created_at__lt=now - UNVERIFIED_AFTER)
        admins = list(programme_admins())
        for organisation in waiting:
            for admin in admins:
                yield Reminder(
                    to=admin.email,
                    about=f"organisation-{organisation.pk}",
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


JOBS = (TaskDue(), TaskOverdue(), RenewalDue(), Unverified())
