from django.core.management.base import BaseCommand

from organisations.services import commitment_tasks_overdue_rollup


class Command(BaseCommand):
    help = "Count commitment tasks that have passed their target date undone into the overdue totals."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many would be counted; count nothing.")

    def handle(self, *args, dry_run=False, **options):
        count = commitment_tasks_overdue_rollup(dry_run=dry_run)
        self.stdout.write(f"{count} tasks {'would be' if dry_run else 'were'} counted as overdue")
