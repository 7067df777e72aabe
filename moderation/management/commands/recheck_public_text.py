from django.core.management.base import BaseCommand

from ambassadors.services import caremakers_recheck_privacy
from moderation.privacy import find_personal_data
from organisations.models import Organisation
from organisations.services import commitment_evidence_recheck_privacy
from pledges.services import pledges_recheck_privacy


class Command(BaseCommand):
    help = (
        "Run today's privacy check over text already public: published pledges it catches go back to the "
        "held queue; done stories, Care Maker profiles and published stories are masked in place; employers' published evidence goes back to private. Run once "
        "after the check learns a new form."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        verb = "would be " if dry_run else ""
        pledges = pledges_recheck_privacy(dry_run=dry_run)
        self.stdout.write(
            f"pledges: {pledges['held']} {verb}held, {pledges['stories_masked']} done stories {verb}masked"
        )
        care_makers = caremakers_recheck_privacy(dry_run=dry_run)
        self.stdout.write(
            f"care makers: {care_makers['profiles_masked']} profiles {verb}masked, "
            f"{care_makers['stories_masked']} stories {verb}masked"
        )
        evidence = commitment_evidence_recheck_privacy(dry_run=dry_run)
        self.stdout.write(f"social care commitment: {evidence} published evidence notes {verb}taken down")
        # Names and towns are the organisation's own: listed for an administrator to correct.
        for organisation in Organisation.objects.listed().only("pk", "name", "town"):
            found = find_personal_data(organisation.name, organisation.town)
            if found:
                self.stdout.write(
                    f"organisation {organisation.pk} may contain {', '.join(found)}: correct it in the admin"
                )
