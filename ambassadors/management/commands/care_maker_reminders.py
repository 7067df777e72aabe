from django.core.management.base import BaseCommand

from ambassadors import reminders


class Command(BaseCommand):
    help = (
        "Care Maker jobs: yearly recommit requests, lapsing after 30 days, one endorsement reminder "
        "after 7 days, and alerts to regional leads about applications waiting over 7 days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        results = reminders.run_all(dry_run=dry_run)
        prefix = "Would do" if dry_run else "Done"
        for name, items in results.items():
            self.stdout.write(f"{name}: {len(items)}")
            for item in items:
                self.stdout.write(f"  {prefix}: {item}")
