from django.core.management.base import BaseCommand

from mail.services import outbox_due, outbox_stuck, outbox_sweep


class Command(BaseCommand):
    help = "Sweep the outbox: release rows stuck in sending and hand due rows to a worker (or send them here)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be released and sent; change nothing."
        )
        parser.add_argument(
            "--here", action="store_true", help="Send in this process instead of through the broker (no worker needed)."
        )

    def handle(self, *args, dry_run=False, here=False, **options):
        if dry_run:
            stuck = list(outbox_stuck().values_list("pk", "kind", "to"))
            due = list(outbox_due().values_list("pk", "kind", "to", "attempts")[:1000])
            for pk, kind, to in stuck:
                self.stdout.write(f"would release stuck email {pk} {kind} to {to}")
            for pk, kind, to, attempts in due:
                self.stdout.write(f"would send email {pk} {kind} to {to} (attempts so far: {attempts})")
            self.stdout.write(f"dry run: {len(stuck)} stuck, {len(due)} due; nothing changed")
            return
        result = outbox_sweep(deliver_now=here)
        self.stdout.write(
            f"{result['released']} stuck released, {result['due']} due, {result['queued']} "
            + ("sent or tried" if here else "handed to the queue")
        )
