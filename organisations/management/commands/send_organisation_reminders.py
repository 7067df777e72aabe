from django.core.management.base import BaseCommand

from mail.models import Email
from organisations.reminders import due_reminders, reminders_send


class Command(BaseCommand):
    help = "Queue Social Care Commitment reminders: tasks due and overdue, renewals due, organisations waiting."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; queue nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = [r for r in due_reminders() if not Email.objects.filter(key=r.key).exists()]
            for reminder in due:
                self.stdout.write(f"would send {reminder.kind} to {reminder.to} ({reminder.key})")
            self.stdout.write(f"{len(due)} reminder(s) would be sent.")
            return
        counts = reminders_send()
        self.stdout.write(f"{sum(counts.values())} reminder(s) queued: {counts or 'none due'}")
