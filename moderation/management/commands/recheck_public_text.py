from django.core.management.base import BaseCommand

from moderation.recheck import rechecks


class Command(BaseCommand):
    help = (
        "Run today's privacy check over text already public: published pledges it catches go back to the "
        "held queue; done stories, Care Maker profiles and published stories are masked in place; employers' published evidence goes back to private. Run once "
        "after the check learns a new form."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        for recheck in rechecks().values():
            for line in recheck(dry_run=dry_run):
                self.stdout.write(line)
