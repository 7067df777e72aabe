"""Organisations waiting for verification, as a tab of the shared moderation queue.
Verification is for programme admins: it decides who appears in the public directory."""

from accounts.roles import is_programme_admin
from core.privacy import find_personal_data
from moderation.queues import Action, Queue, register
from moderation.services import AlreadyDecided

from . import services
from .models import Organisation


def waiting():
    return Organisation.objects.awaiting_verification().order_by("created_at", "pk")


def _decide(action: str):
    def run(organisation, *, moderator, reason=None, note=""):
        if not services.organisation_verify(
            organisation=organisation, admin=moderator, action=action, reason=reason, note=note
        ):
            raise AlreadyDecided

    return run


def register_queue() -> None:
    register(
        Queue(
            key="organisations-to-verify",
            label="Organisations to verify",
            item_type="organisation",
            reason_scope="organisation",
            waiting=waiting,
            row_template="organisations/_moderation_row.html",
            # The row and its regulator (Organisation.regulator, .register_search_url).
            row_columns=(
                *("id", "name", "type", "town", "region", "nation"),
                *("cqc_provider_id", "regulator_id", "ods_code", "website"),
            ),
            actions={
                "verify": Action("Verify", _decide("verify")),
                "cannot-verify": Action("Cannot verify", _decide("cannot-verify"), needs_reason=True, style="warning"),
            },
            can_view=is_programme_admin,
            position=50,
        )
    )


def recheck_public_text(*, dry_run: bool = False) -> list[str]:
    """For moderation.recheck: published evidence notes the check now catches are taken down.
    Names and towns are the organisation's own: listed for an administrator to correct, never
    changed here."""
    verb = "would be " if dry_run else ""
    evidence = services.commitment_evidence_recheck_privacy(dry_run=dry_run)
    lines = [f"social care commitment: {evidence} published evidence notes {verb}taken down"]
    for organisation in Organisation.objects.listed().only("pk", "name", "town"):
        found = find_personal_data(organisation.name, organisation.town)
        if found:
            lines.append(f"organisation {organisation.pk} may contain {', '.join(found)}: correct it in the admin")
    return lines
