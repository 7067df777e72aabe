"""Organisations waiting for verification, as a tab of the shared moderation queue.
Verification is for programme admins: it decides who appears in the public directory."""

from accounts.roles import is_programme_admin
from moderation.queues import Action, Queue, register
from moderation.services import AlreadyDecided

from . import services
from .models import Organisation


def waiting():
    return Organisation.objects.awaiting_verification().order_by("created_at", "pk")


def _verify(organisation, *, moderator, reason=None, note=""):
    if not services.organisation_verify(organisation=organisation, admin=moderator):
        raise AlreadyDecided


def _cannot_verify(organisation, *, moderator, reason=None, note=""):
    if not services.organisation_cannot_verify(organisation=organisation, admin=moderator, reason=reason, note=note):
        raise AlreadyDecided


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
                "verify": Action("Verify", _verify),
                "cannot-verify": Action("Cannot verify", _cannot_verify, needs_reason=True, style="warning"),
            },
            can_view=is_programme_admin,
            summary=lambda organisation: (
                f"{organisation.name} ({organisation.registration_id or 'no regulator ID'}, "
                f"{organisation.get_nation_display()})"
            ),
            position=50,
        )
    )
