from django.core.management.base import BaseCommand, CommandError

from mail.reminders import reminder_jobs, reminders_run


class Command(BaseCommand):
    help = (
        "Run reminder jobs: those named, or every job with --all or no name. "
        "Each sends one email per person per occasion however often it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("jobs", nargs="*", metavar="JOB", help="Job names (see --list); every job when none.")
        parser.add_argument("--all", action="store_true", help="Run every job.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send or change nothing.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args, jobs=(), all=False, dry_run=False, list=False, **options):
        known = reminder_jobs()
        if list:
            for name, job in known.items():
                self.stdout.write(f"{name}: {job.help}")
            return
        if all and jobs:
            raise CommandError("Name jobs or give --all, not both.")
        unknown = [name for name in jobs if name not in known]
        if unknown:
            raise CommandError(f"Unknown reminder jobs: {', '.join(unknown)}; known: {', '.join(known) or 'none'}")
        for name in jobs or known:
            job = known[name]
            run = reminders_run(job, dry_run=dry_run)
            for reminder in run.queued:
                self.stdout.write(
                    f"{'would send' if dry_run else 'queued'} {job.email_kind} to {reminder.to} about {reminder.about}"
                )
            self.stdout.write(run.summary())
