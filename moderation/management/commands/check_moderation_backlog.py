from django.core.management.base import BaseCommand

from moderation.alerts import backlog_alert, backlog_summary


class Command(BaseCommand):
    help = "Email moderators (once per half day) when items wait too long or a queue is too big."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        for breach in backlog_summary():
            self.stdout.write(f"{breach['queue']}: {breach['count']} waiting, oldest {breach['oldest_hours']} hours")
        told = backlog_alert(dry_run=dry_run)
        verb = "would be told" if dry_run else "told"
        self.stdout.write(f"{len(told)} moderators {verb}" + (f": {', '.join(told)}" if told else ""))
