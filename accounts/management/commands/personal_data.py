import json

from django.core.management.base import BaseCommand, CommandError

from accounts import data_rights
from accounts.models import User


class Command(BaseCommand):
    help = "Act on a data request by email address: print everything held (JSON) or erase it."

    def add_arguments(self, parser):
        parser.add_argument("email")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true", help="Print everything held about the person as JSON.")
        action.add_argument("--erase", action="store_true", help="Erase the person's data and account.")
        parser.add_argument(
            "--contributions",
            choices=["keep", "remove"],
            help="With --erase: keep pledges and the like anonymously in the totals, or remove them.",
        )

    def handle(self, *args, email, export=False, erase=False, contributions=None, **options):
        email = email.strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if export:
            self.stdout.write(
                json.dumps(data_rights.personal_data_export(user=user, email=email), indent=2, ensure_ascii=False)
            )
            return
        if contributions is None:
            raise CommandError(
                "Say what happens to their contributions: --contributions keep or --contributions remove"
            )
        data_rights.personal_data_erase(user=user, email=email, keep_contributions=contributions == "keep")
        self.stdout.write(
            f"Erased everything held for {email} ({'kept' if contributions == 'keep' else 'removed'} contributions)."
        )
