"""The reminder engine: every periodic email of every programme is a job here.

A job says who is due and what to tell them; the engine does the rest, one way for all:

    class PledgeFollowUp(ReminderJob):
        name = "pledge-followup"           # also the email kind unless `kind` is set
        help = "30 days after publishing: did you do it?"

        def due(self, now):
            for pledge in Pledge.objects.filter(...):
                yield Reminder(to=pledge.email, about=f"pledge-{pledge.pk}", context={...}, item=pledge)

and declares it from its app's `AppConfig.ready`:

    from mail.reminders import register
    register(PledgeFollowUp())

Beat runs it with one entry in CELERY_BEAT_SCHEDULE naming the job
(`{"task": "mail.tasks.run_reminder_job", "args": ["pledge-followup"], ...}`) and an operator with
`manage.py send_reminders pledge-followup --dry-run`.

The claim is the outbox's keyed insert: each reminder's key is
`reminder:<kind>:<about>:<address>`, so running a job twice (or two workers at once) queues one
email per person per occasion. `about` names the occasion ("pledge-12", "task-3-2026-12-01"): a
new occasion (a task given a new date) is a new reminder. People who turned the category off are
left out here, and the outbox checks again when it sends. A dry run lists what would be queued and
changes nothing.

A job whose due() query would otherwise grow for ever (every pledge ever published) marks its own
rows in `settle()`, which runs in the transaction that queued the reminders, with every reminder
this run settled (queued, already in the outbox, or turned off by its recipient). It is not a
second claim: a row left unmarked is still sent once, because the key decides.
"""

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db import models, transaction
from django.utils import timezone

from .models import Email, MailPreference
from .services import email_key, email_queue

logger = logging.getLogger(__name__)

# Reminders are checked and queued this many at a time, each batch in one transaction.
BATCH = 500


@dataclass(frozen=True)
class Reminder:
    to: str
    about: str  # the occasion, stable across runs: "pledge-123"
    context: dict = field(default_factory=dict)
    # The row the reminder is about, for the job's settle() and the outbox row's `about`;
    # not part of the email.
    item: object = field(default=None, compare=False, repr=False)


class ReminderJob:
    name: str = ""
    kind: str = ""
    help: str = ""
    category: str = Email.Category.REMINDERS
    # At most this many reminders per run (None: all that are due); the next run goes on.
    limit: int | None = None

    @property
    def email_kind(self) -> str:
        return self.kind or self.name

    def due(self, now: datetime) -> Iterable[Reminder]:
        raise NotImplementedError

    def settle(self, reminders: list[Reminder], now: datetime) -> None:
        """Mark the job's own rows for reminders settled this run (see the module docstring)."""

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


def register(job: ReminderJob) -> ReminderJob:
    """Declare a job; call from the owning app's AppConfig.ready."""
    if not job.name:
        raise ValueError("A reminder job needs a name")
    _jobs[job.name] = job
    return job


def reminder_jobs() -> dict[str, ReminderJob]:
    return dict(sorted(_jobs.items()))


def reminder_job(name: str) -> ReminderJob:
    if name not in _jobs:
        raise KeyError(f"No reminder job called {name!r}; known: {', '.join(reminder_jobs()) or 'none'}")
    return _jobs[name]


def _opted_out(addresses: set[str], category: str) -> set[str]:
    if category not in Email.OPTIONAL_CATEGORIES or not addresses:
        return set()
    field_name = "reminders" if category == Email.Category.REMINDERS else "news"
    return set(
        MailPreference.objects.filter(email__in=addresses, **{field_name: False}).values_list("email", flat=True)
    )


def _batches(items: Iterable[Reminder], size: int) -> Iterator[list[Reminder]]:
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def reminders_run(job: ReminderJob, *, dry_run: bool = False, now: datetime | None = None) -> ReminderRun:
    """Queue every reminder the job says is due and has not been sent; log one line."""
    started = time.monotonic()
    now = now or timezone.now()
    run = ReminderRun(job=job.name, dry_run=dry_run)
    due = islice(job.due(now), job.limit)
    for batch in _batches(due, BATCH):
        keyed = {job.key_for(reminder): reminder for reminder in batch}
        sent_keys = set(Email.objects.filter(key__in=list(keyed)).values_list("key", flat=True))
        opted_out = _opted_out({reminder.to.lower() for reminder in batch}, job.category)
        with transaction.atomic():
            for key, reminder in keyed.items():
                if key in sent_keys:
                    run.already_sent += 1
                elif reminder.to.lower() in opted_out:
                    run.opted_out += 1
                else:
                    run.queued.append(reminder)
                    if not dry_run:
                        email_queue(
                            kind=job.email_kind,
                            to=reminder.to,
                            key=key,
                            context=reminder.context,
                            category=job.category,
                            about=reminder.item if isinstance(reminder.item, models.Model) else None,
                        )
            if not dry_run:
                job.settle(list(keyed.values()), now)
    logger.info("%s in %.0f ms", run.summary(), (time.monotonic() - started) * 1000)
    return run


# --- The staff digest: one email of work waiting too long -----------------------------
#
# Each app that holds work for staff declares, from its AppConfig.ready, a function that says
# what of it is waiting too long and who does that work (people from accounts.roles):
#
#     register_waiting_work("moderation", moderation_waiting)    # fn(now) -> [Waiting(...)]
#
# Each person gets at most one digest each morning and each afternoon, listing only the work
# that is theirs, and none at all when nothing of theirs waits.


@dataclass(frozen=True)
class Waiting:
    description: str  # "Held pledges: 12 waiting, the oldest for 31 hours"
    path: str  # where the work is done: "/moderation/held-pledges/"
    staff: Iterable  # the active users who do this work


_waiting_work: dict[str, Callable[[datetime], Iterable[Waiting]]] = {}


def register_waiting_work(name: str, fn: Callable[[datetime], Iterable[Waiting]]) -> None:
    _waiting_work[name] = fn


def half_day(now: datetime) -> str:
    local = timezone.localtime(now)
    return f"{local:%Y-%m-%d}-{'am' if local.hour < 12 else 'pm'}"


class StaffDigest(ReminderJob):
    name = "staff-digest"
    help = "To moderators, programme admins and regional leads: their work that has waited too long."
    category = Email.Category.STAFF

    def due(self, now: datetime) -> Iterable[Reminder]:
        from django.conf import settings

        items_for: dict[str, list[dict]] = {}
        for name in sorted(_waiting_work):
            for waiting in _waiting_work[name](now):
                item = {"description": waiting.description, "url": settings.SITE_URL + waiting.path}
                for person in waiting.staff:
                    items_for.setdefault(person.email, []).append(item)
        window = half_day(now)
        for to in sorted(items_for):
            yield Reminder(to=to, about=window, context={"items": items_for[to]})
