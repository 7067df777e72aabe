"""The pledges queue in the shared moderation mechanism: pledges held by the privacy check or
pre-moderation, and pledges hidden after reports. Decisions go through pledges.services, so
the totals stay right; a rejection with a reason that tells the author sends them an email."""

from django.conf import settings

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
    """Hidden after reports from three different people, until a moderator looks."""
    return (
        Pledge.objects.filter(status=Pledge.Status.HIDDEN)
        .select_related("campaign", "theme")
        .prefetch_related("reports")
        .order_by("created_at", "pk")
    )


def _publish(item, *, moderator, reason=None, note=""):
    if not services.pledge_publish(pledge=item, moderator=moderator):
        raise AlreadyDecided


def _reject(item, *, moderator, reason=None, note=""):
    if not services.pledge_reject(pledge=item, moderator=moderator):
        raise AlreadyDecided
    if reason is not None and reason.notify_author and item.email:
        email_queue(
            kind="pledge-rejected",
            to=item.email,
            key=f"pledge-rejected:{item.pk}",
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
        row_template="pledges/_moderation_row.html",
        actions={
            "publish": Action("Restore to the wall", _publish),
            "reject": Action("Reject or keep hidden", _reject, needs_reason=True, style="warning"),
        },
        summary=lambda item: item.text,
        contact=_contact,
        position=20,
    )
)
