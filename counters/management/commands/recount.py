from django.core.management.base import BaseCommand

from counters.services import counters_recount


class Command(BaseCommand):
    help = "Compare kept totals with a full count and repair any drift."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report drift without repairing it.")

    def handle(self, *args, dry_run=False, **options):
        drift = counters_recount(dry_run=dry_run)
        for key, (kept, true) in drift.items():
            self.stdout.write(f"{key}: kept {kept}, true {true}")
        self.stdout.write(f"{len(drift)} totals drifted" + (" (not repaired: dry run)" if dry_run and drift else ""))
