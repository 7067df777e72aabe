"""The pledges queue in the shared moderation mechanism: pledges held by the privacy check or
pre-moderation, and pledges hidden after reports. Decisions go through
pledges.services.pledge_decide, which keeps the totals, writes the audit row and emails the
author when a rejection's reason says so."""

from django.db.models import Q
from django.db.models.functions import Coalesce

from moderation.queues import Action, Queue, register
from moderation.services import AlreadyDecided

from . import services
from .models import Pledge
from .selectors import with_campaigns_and_themes

WAITING = {Pledge.Status.HELD, Pledge.Status.HIDDEN}

# What a queue row (templates/pledges/_moderation_row.html) reads, and when the pledge
# started waiting: the rest of the pledge is left in the database. The campaign and theme
# come from the kept lists (selectors.with_campaigns_and_themes), not joins.
ROW_FIELDS = (
    *("id", "text", "show_name", "name", "job_role", "region", "campaign", "theme", "status", "held_reason"),
    *("reported_at", "reports_reviewed_at", "created_at"),
)


def waiting():
    return Pledge.objects.filter(status__in=WAITING).select_related("campaign", "theme").order_by("created_at", "pk")


def held():
    """Held by the privacy check or pre-moderation, before anyone saw them."""
    return Pledge.objects.filter(status=Pledge.Status.HELD).only(*ROW_FIELDS).order_by("created_at", "pk")


def reported():
    """Pledges hidden by reports, and pledges on the wall with reports no moderator has read
    yet (too few to hide them, or made after a moderator kept the pledge)."""
    return (
        Pledge.objects.filter(Q(status=Pledge.Status.HIDDEN) | (Q(status__in=Pledge.PUBLIC) & Pledge.REPORTS_WAITING))
        .annotate(waiting_from=Coalesce("reported_at", "created_at"))
        .only(*ROW_FIELDS)
        .prefetch_related("reports")
        .order_by("waiting_from", "pk")
    )


def _decide(action: str):
    def run(item, *, moderator, reason=None, note=""):
        if not services.pledge_decide(pledge=item, action=action, moderator=moderator, reason=reason, note=note):
            raise AlreadyDecided

    return run


def _contact(item):
    return {"Name": item.name, "Email": item.email, "Organisation": item.organisation_name}


def register_queues() -> None:
    """The held and reported pledges queues; called from PledgesConfig.ready."""
    register(
        Queue(
            key="held-pledges",
            label="Held pledges",
            item_type="pledge",
            reason_scope="pledge",
            waiting=held,
            row_template="pledges/_moderation_row.html",
            actions={
                "publish": Action("Publish", _decide("publish")),
                # The reason decides whether the author is told or the pledge is hidden quietly.
                "reject": Action("Reject or hide", _decide("reject"), needs_reason=True, style="warning"),
            },
            contact=_contact,
            position=10,
            rows_loaded=with_campaigns_and_themes,
        )
    )
    register(
        Queue(
            key="reported-pledges",
            label="Reported pledges",
            item_type="pledge",
            reason_scope="pledge",
            waiting=reported,
            since_field="waiting_from",  # reported pledges wait from their latest report
            row_template="pledges/_moderation_row.html",
            actions={
                # Kept pledges go back on the wall (or stay there); later reports no longer hide them.
                "keep": Action("Keep on the wall", _decide("keep")),
                "reject": Action("Reject or hide", _decide("reject"), needs_reason=True, style="warning"),
            },
            contact=_contact,
            position=20,
            rows_loaded=with_campaigns_and_themes,
        )
    )


def recheck_public_text(*, dry_run: bool = False) -> list[str]:
    """For moderation.recheck: published pledges the check now catches are held again."""
    verb = "would be " if dry_run else ""
    counts = services.pledges_recheck_privacy(dry_run=dry_run)
    return [f"pledges: {counts['held']} {verb}held, {counts['stories_masked']} done stories {verb}masked"]
