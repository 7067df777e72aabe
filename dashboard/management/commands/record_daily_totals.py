from django.core.management.base import BaseCommand

from dashboard.services import daily_totals_backfill, daily_totals_snapshot


class Command(BaseCommand):
    help = "Record today's totals for the dashboard charts (--backfill rebuilds pledge history from the table)."

    def add_arguments(self, parser):
        parser.add_argument("--backfill", action="store_true", help="Rebuild every campaign's daily pledge totals.")

    def handle(self, *args, backfill=False, **options):
        if backfill:
            self.stdout.write(f"{daily_totals_backfill()} daily pledge totals rebuilt")
        self.stdout.write(f"{daily_totals_snapshot()} totals recorded for today")
