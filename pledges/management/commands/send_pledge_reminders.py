from django.core.management.base import BaseCommand

from pledges.reminders import pledge_reminders_send


class Command(BaseCommand):
    help = (
        "Send due pledge reminders: confirmation nudges after 2 days, 'did you do it?' after 30 days, "
        "and 'a week left' before the current campaign closes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        run = pledge_reminders_send(dry_run=dry_run)
        for line in run.nudges + run.followups + run.closing:
            self.stdout.write(("would send " if dry_run else "sent ") + line)
        self.stdout.write(
            f"{len(run.nudges)} nudges, {len(run.followups)} follow-ups, {len(run.closing)} closing reminders"
            f"{' (dry run)' if dry_run else ''}."
        )
