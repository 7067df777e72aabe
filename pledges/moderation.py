"""The pledges queue in the shared moderation mechanism: pledges held by the privacy check or
pre-moderation, and pledges hidden after reports. Decisions go through pledges.services, so
the totals stay right; a rejection with a reason that tells the author sends them an email."""

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce

from mail.models import Email
from mail.services import email_queue
from moderation.privacy import mask_personal_data
from moderation.queues import Action, Queue, register
from moderation.services import AlreadyDecided

from . import services
from .models import Pledge

WAITING = {Pledge.Status.HELD, Pledge.Status.HIDDEN}


def waiting():
    return Pledge.objects.filter(status__in=WAITING).select_related("campaign", "theme").order_by("created_at", "pk")


def held():
    """Held by the privacy check or pre-moderation, before anyone saw them."""
    return (
        Pledge.objects.filter(status=Pledge.Status.HELD)
        .select_related("campaign", "theme")
        .order_by("created_at", "pk")
    )


def reported():
    """Pledges hidden by reports, and pledges on the wall with reports no moderator has read
    yet (too few to hide them, or made after a moderator kept the pledge)."""
    return (
        Pledge.objects.filter(Q(status=Pledge.Status.HIDDEN) | (Q(status__in=Pledge.PUBLIC) & Pledge.REPORTS_WAITING))
        .annotate(waiting_from=Coalesce("reported_at", "created_at"))
        .select_related("campaign", "theme")
        .prefetch_related("reports")
        .order_by("waiting_from", "pk")
    )


def _publish(item, *, moderator, reason=None, note=""):
    if not services.pledge_publish(pledge=item, moderator=moderator):
        raise AlreadyDecided


def _keep(item, *, moderator, reason=None, note=""):
    if not services.pledge_keep(pledge=item, moderator=moderator):
        raise AlreadyDecided


def _reject(item, *, moderator, reason=None, note=""):
    if not services.pledge_reject(pledge=item, moderator=moderator):
        raise AlreadyDecided
    if reason is not None and reason.notify_author and item.email:
        email_queue(
            kind="pledge-rejected",
            to=item.email,
            key=f"pledge-rejected:{item.pk}",
            about=item,
            category=Email.Category.TRANSACTIONAL,
            context={
                "name": item.first_name,
                # Masked: the outbox keeps this row, and mail is no place for an NHS number.
                "text": mask_personal_data(item.text),
                "campaign": item.campaign.name,
                "reason": reason.label,
                "explanation": reason.explanation,
                "new_url": settings.SITE_URL + "/pledges/new/",
            },
        )


def _contact(item):
    return {"Name": item.name, "Email": item.email, "Organisation": item.organisation_name}


register(
    Queue(
        key="held-pledges",
        label="Held pledges",
        item_type="pledge",
        reason_scope="pledge",
        waiting=held,
        row_template="pledges/_moderation_row.html",
        actions={
            "publish": Action("Publish", _publish),
            # The reason decides whether the author is told or the pledge is hidden quietly.
            "reject": Action("Reject or hide", _reject, needs_reason=True, style="warning"),
        },
        summary=lambda item: item.text,
        contact=_contact,
        position=10,
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
            "keep": Action("Keep on the wall", _keep),
            "reject": Action("Reject or hide", _reject, needs_reason=True, style="warning"),
        },
        summary=lambda item: item.text,
        contact=_contact,
        position=20,
    )
)
