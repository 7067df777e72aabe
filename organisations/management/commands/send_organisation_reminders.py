from django.core.management.base import BaseCommand

from mail.reminders import reminders_run
from organisations.reminders import JOBS


class Command(BaseCommand):
    help = "Queue Social Care Commitment reminders: tasks due and overdue, renewals due, organisations waiting."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; queue nothing.")

    def handle(self, *args, dry_run=False, **options):
        for job in JOBS:
            run = reminders_run(job, dry_run=dry_run)
            for reminder in run.queued:
                self.stdout.write(
                    f"{'would send' if dry_run else 'queued'} {job.email_kind} to {reminder.to} about {reminder.about}"
                )
            self.stdout.write(run.summary())
