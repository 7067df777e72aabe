"""The pledges queue in the shared moderation mechanism: pledges held by the privacy check or
pre-moderation, and pledges hidden after reports. Decisions go through
pledges.services.pledge_decide, which keeps the totals, writes the audit row and emails the
author when a rejection's reason says so."""

from django.db.models import Q
from django.db.models.functions import Coalesce

from moderation.queues import Action, Queue, register
from moderation.services import AlreadyDecided

from . import services
from .models import Pledge, PledgeReport

WAITING = {Pledge.Status.HELD, Pledge.Status.HIDDEN}

# What a queue row (templates/pledges/_moderation_row.html) reads: the page reads these
# values only, and keeps each row rendered under them (moderation.queues.Queue.row_columns).
ROW_COLUMNS = (
    *("id", "text", "show_name", "name", "job_role", "region", "status", "held_reason"),
    *("reported_at", "reports_reviewed_at", "campaign__name", "theme__name"),
)


def waiting():
    return Pledge.objects.filter(status__in=WAITING).select_related("campaign", "theme").order_by("created_at", "pk")


def held():
    """Held by the privacy check or pre-moderation, before anyone saw them."""
    return Pledge.objects.filter(status=Pledge.Status.HELD).order_by("created_at", "pk")


def reported():
    """Pledges hidden by reports, and pledges on the wall with reports no moderator has read
    yet (too few to hide them, or made after a moderator kept the pledge)."""
    return (
        Pledge.objects.filter(Q(status=Pledge.Status.HIDDEN) | (Q(status__in=Pledge.PUBLIC) & Pledge.REPORTS_WAITING))
        .annotate(waiting_from=Coalesce("reported_at", "created_at"))
        .order_by("waiting_from", "pk")
    )


def reports_shown(columns: tuple[str, ...], rows: list[tuple]) -> list[dict]:
    """The reports on each row's pledge, newest first, as the row shows them: (what the
    reason says, the reporter's words, when), read in one query for the page, and only for
    pledges that were ever reported. `rows` start with `columns` (ROW_COLUMNS)."""
    at_id, at_reported = columns.index("id"), columns.index("reported_at")
    reported = [row[at_id] for row in rows if row[at_reported]]
    if not reported:  # the held queue, mostly
        return [{"reports": ()} for _ in rows]
    by_pledge: dict[int, list[tuple]] = {}
    found = PledgeReport.objects.filter(pledge_id__in=reported).order_by("-created_at", "-pk")
    for pledge_id, reason, detail, created_at in found.values_list("pledge_id", "reason", "detail", "created_at"):
        label = str(PledgeReport.Reason(reason).label) if reason in PledgeReport.Reason.values else reason
        by_pledge.setdefault(pledge_id, []).append((label, detail, created_at))
    return [{"reports": tuple(by_pledge.get(row[at_id], ()))} for row in rows]


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
            row_columns=ROW_COLUMNS,
            row_extras=reports_shown,
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
            row_columns=ROW_COLUMNS,
            row_extras=reports_shown,
        )
    )


def recheck_public_text(*, dry_run: bool = False) -> list[str]:
    """For moderation.recheck: published pledges the check now catches are held again."""
    verb = "would be " if dry_run else ""
    counts = services.pledges_recheck_privacy(dry_run=dry_run)
    return [f"pledges: {counts['held']} {verb}held, {counts['stories_masked']} done stories {verb}masked"]
