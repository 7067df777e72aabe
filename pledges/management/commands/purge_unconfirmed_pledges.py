from django.core.management.base import BaseCommand

from pledges.retention import unconfirmed_pledges_purge


class Command(BaseCommand):
    help = "Delete pledges never confirmed within 30 days, with their personal details and emails."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many would be deleted; delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        count = unconfirmed_pledges_purge(dry_run=dry_run)
        self.stdout.write(f"{count} unconfirmed pledges {'would be' if dry_run else 'were'} deleted")
