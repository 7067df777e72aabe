"""A small base for periodic reminder jobs.

A programme app writes a job in `<app>/reminders.py`:

    class PledgeFollowUp(ReminderJob):
        name = "pledge-followup"           # also the email kind unless `kind` is set
        help = "30 days after confirming: how is it going?"

        def due(self, now):
            for pledge in Pledge.objects.filter(...).select_related("author"):
                yield Reminder(to=pledge.author.email, about=f"pledge-{pledge.pk}", context={...})

    register(PledgeFollowUp())

then a thin task (`run_reminder_job("pledge-followup")`), a management command
(`class Command(ReminderCommand): job_name = "pledge-followup"`) and a beat entry.

Each reminder is sent at most once per person, object and kind: the outbox key is
`reminder:<kind>:<about>:<address>`, so running a job twice (or two workers at once)
queues nothing twice. Reminders respect preferences: people who turned the category off
are left out here, and the outbox checks again when it sends.
"""

import importlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from .models import Email, MailPreference
from .services import email_key, email_queue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    to: str
    about: str  # the object it is about, stable across runs: "pledge-123"
    context: dict = field(default_factory=dict)


class ReminderJob:
    name: str = ""
    kind: str = ""
    help: str = ""
    category: str = Email.Category.REMINDERS

    @property
    def email_kind(self) -> str:
        return self.kind or self.name

    def due(self, now: datetime) -> Iterable[Reminder]:
        raise NotImplementedError

    def key_for(self, reminder: Reminder) -> str:
        return email_key("reminder", self.email_kind, reminder.about, reminder.to.lower())


@dataclass
class ReminderRun:
    job: str
    dry_run: bool
    queued: list[Reminder] = field(default_factory=list)
    already_sent: int = 0
    opted_out: int = 0

    def summary(self) -> str:
        verb = "would queue" if self.dry_run else "queued"
        return (
            f"reminders {self.job}: {verb} {len(self.queued)}, {self.already_sent} already sent, "
            f"{self.opted_out} turned off by the recipient"
        )


_jobs: dict[str, ReminderJob] = {}
_discovered = False


def register(job: ReminderJob) -> ReminderJob:
    if not job.name:
        raise ValueError("A reminder job needs a name")
    _jobs[job.name] = job
    return job


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.reminders")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.reminders":
                raise
    _discovered = True


def reminder_jobs() -> dict[str, ReminderJob]:
    _discover()
    return dict(sorted(_jobs.items()))


def reminder_job(name: str) -> ReminderJob:
    jobs = reminder_jobs()
    if name not in jobs:
        raise KeyError(f"No reminder job called {name!r}; known: {', '.join(jobs) or 'none'}")
    return jobs[name]


def _opted_out(addresses: set[str], category: str) -> set[str]:
    if category not in Email.OPTIONAL_CATEGORIES or not addresses:
        return set()
    field_name = "reminders" if category == Email.Category.REMINDERS else "news"
    return set(
        MailPreference.objects.filter(email__in=addresses, **{field_name: False}).values_list("email", flat=True)
    )


def reminders_run(job: ReminderJob, *, dry_run: bool = False, now: datetime | None = None) -> ReminderRun:
    """Queue every reminder the job says is due and has not been sent; log one line."""
    started = time.monotonic()
    now = now or timezone.now()
    run = ReminderRun(job=job.name, dry_run=dry_run)
    due = list(job.due(now))
    keys = {job.key_for(reminder): reminder for reminder in due}
    sent_keys = set(Email.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    opted_out = _opted_out({reminder.to.lower() for reminder in due}, job.category)
    with transaction.atomic():
        for key, reminder in keys.items():
            if key in sent_keys:
                run.already_sent += 1
            elif reminder.to.lower() in opted_out:
                run.opted_out += 1
            else:
                run.queued.append(reminder)
                if not dry_run:
                    email_queue(
                        kind=job.email_kind, to=reminder.to, key=key, context=reminder.context, category=job.category
                    )
    logger.info("%s in %.0f ms", run.summary(), (time.monotonic() - started) * 1000)
    return run


class ReminderCommand(BaseCommand):
    """Base for each job's management command: set `job_name`."""

    job_name = ""

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        try:
            job = reminder_job(self.job_name)
        except KeyError as exc:
            raise CommandError(str(exc))
        run = reminders_run(job, dry_run=dry_run)
        for reminder in run.queued:
            self.stdout.write(
                f"{'would send' if dry_run else 'queued'} {job.email_kind} to {reminder.to} about {reminder.about}"
            )
        self.stdout.write(run.summary())


# --- Staff: a daily note of work waiting too long -------------------------------------
#
# Programme apps know what is waiting (applications, organisations to verify); this job
# only gathers it. An app registers, from its AppConfig.ready:
#
#     register_staff_waiting(
#         "applications", lambda now: (Application.objects.filter(submitted_at__lt=now - 7 days, ...).count(),
#                                      "Care Maker applications waiting more than 7 days", "/care-makers/review/"))
#
# and every moderator and programme admin gets one email a day listing whatever is
# waiting, or nothing at all when nothing is.

STAFF_GROUPS = ("Moderators", "Programme admins")
_staff_waiting: dict[str, object] = {}


def register_staff_waiting(name: str, fn) -> None:
    """`fn(now) -> (count, description, path)`; a count of 0 leaves it out of the email."""
    _staff_waiting[name] = fn


class StaffWaitingJob(ReminderJob):
    name = "staff-waiting"
    help = "Daily, to moderators and programme admins: work that has waited too long."
    category = Email.Category.STAFF

    def due(self, now: datetime) -> Iterable[Reminder]:
        from django.conf import settings
        from django.contrib.auth import get_user_model

        items = []
        for name, fn in sorted(_staff_waiting.items()):
            count, description, path = fn(now)
            if count:
                items.append(
                    {"name": name, "count": count, "description": description, "url": settings.SITE_URL + path}
                )
        if not items:
            return
        day = timezone.localdate(now).isoformat()
        staff = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True, groups__name__in=STAFF_GROUPS)
            .values_list("email", flat=True)
            .distinct()
        )
        for to in sorted(staff):
            yield Reminder(to=to, about=day, context={"items": items, "day": day})


register(StaffWaitingJob())
