from django.core.management.base import BaseCommand, CommandError

from mail.reminders import reminder_jobs, reminders_run


class Command(BaseCommand):
    help = "Run reminder jobs (all, or those named). Each sends at most once per person, object and kind."

    def add_arguments(self, parser):
        parser.add_argument("jobs", nargs="*", help="Job names; all jobs when none are given.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args, jobs=(), dry_run=False, list=False, **options):
        known = reminder_jobs()
        if list:
            for name, job in known.items():
                self.stdout.write(f"{name}: {job.help}")
            return
        unknown = [name for name in jobs if name not in known]
        if unknown:
            raise CommandError(f"Unknown reminder jobs: {', '.join(unknown)}; known: {', '.join(known) or 'none'}")
        for name in jobs or known:
            run = reminders_run(known[name], dry_run=dry_run)
            for reminder in run.queued:
                self.stdout.write(
                    f"{'would send' if dry_run else 'queued'} {known[name].email_kind} to {reminder.to} about {reminder.about}"
                )
            self.stdout.write(run.summary())
