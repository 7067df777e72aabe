"""Organisations waiting for verification, as a tab of the shared moderation queue.
Verification is for programme admins: it decides who appears in the public directory."""

from accounts.roles import is_programme_admin
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
            actions={
                "verify": Action("Verify", _decide("verify")),
                "cannot-verify": Action("Cannot verify", _decide("cannot-verify"), needs_reason=True, style="warning"),
            },
            can_view=is_programme_admin,
            position=50,
        )
    )
