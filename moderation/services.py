"""Claims and decisions, shared by every moderation queue.

Each decision is made by its programme's service (`pledge_decide`, `story_decide`,
`application_decide`, `organisation_verify`), which writes the one audit row with
`decision_record` and queues the author's email when the reason says so. Every entry point
(this queue, its bulk form, the Django admin, the regional lead's review) calls that service
and nothing else, so none can forget the log or the email."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.privacy import mask_personal_data

from .listing import counts_changed
from .models import Claim, ContactView, Decision, Reason
from .queues import Queue

logger = logging.getLogger(__name__)

CLAIM_MINUTES = 20


class AlreadyDecided(Exception):
    """The item is no longer waiting: someone decided it, or its author withdrew it."""


class ClaimedByOther(Exception):
    def __init__(self, claim: Claim):
        super().__init__(f"claimed by {claim.moderator} until {claim.expires_at:%H:%M}")
        self.claim = claim


def claim_take(*, item_type: str, item_id: int, moderator, now=None) -> Claim:
    """Claim an item, or renew your own claim. An expired claim of someone else's is replaced."""
    now = now or timezone.now()
    expires = now + timedelta(minutes=CLAIM_MINUTES)
    with transaction.atomic():
        Claim.objects.filter(item_type=item_type, item_id=item_id, expires_at__lte=now).delete()
        renewed = Claim.objects.filter(item_type=item_type, item_id=item_id, moderator=moderator).update(
            claimed_at=now, expires_at=expires
        )
        if renewed:
            return Claim.objects.get(item_type=item_type, item_id=item_id)
        try:
            with transaction.atomic():
                return Claim.objects.create(
                    item_type=item_type, item_id=item_id, moderator=moderator, claimed_at=now, expires_at=expires
                )
        except IntegrityError:
            raise ClaimedByOther(Claim.objects.select_related("moderator").get(item_type=item_type, item_id=item_id))


def claim_release(*, item_type: str, item_id: int, moderator) -> None:
    Claim.objects.filter(item_type=item_type, item_id=item_id, moderator=moderator).delete()


def live_claims(*, item_type: str, item_ids, now=None) -> dict[int, Claim]:
    now = now or timezone.now()
    claims = Claim.objects.filter(item_type=item_type, item_id__in=list(item_ids), expires_at__gt=now)
    return {claim.item_id: claim for claim in claims.select_related("moderator")}


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    claimed: list[tuple[int, str]] = field(default_factory=list)
    already_decided: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)


def decision_record(
    *, item_type: str, item_id: int, summary: str, action: str, actor, reason=None, note="", reason_label: str = ""
) -> Decision:
    """Add a decision to the shared audit log. Called by the decision services only, once per
    decision they make.

    The summary and note are kept with any personal data masked ("[NHS number removed]"):
    every moderator can read the log, and the item it describes was often held for exactly that."""
    return Decision.objects.create(
        item_type=item_type,
        item_id=item_id,
        item_summary=mask_personal_data(summary)[:300],
        action=action,
        actor=actor,
        # A staff member without a name is recorded by account number: an email address is
        # not a name, and the log is shown to every moderator.
        actor_name=((actor.get_full_name() or f"Account {actor.pk}") if actor else "system")[:150],
        reason=reason,
        reason_label=reason.label if reason else reason_label,
        note=mask_personal_data(note),
    )


def reason_tells_author(reason: Reason | None) -> bool:
    """Whether a decision with this reason emails the author: some reasons hide an item quietly."""
    return reason is not None and reason.notify_author


def items_decide(
    *, queue: Queue, item_ids: list[int], action_key: str, moderator, reason: Reason | None = None, note: str = ""
) -> Outcome:
    """Apply one action to one or many items. Each item is decided in its own transaction:
    an item claimed by someone else, or already decided, is skipped and reported, never
    overwritten. The action calls the programme's decision service, which writes the audit row
    and queues any email."""
    action = queue.actions[action_key]
    outcome = Outcome()
    model = queue.waiting().model
    now = timezone.now()
    for item_id in item_ids:
        with transaction.atomic():
            item = model._default_manager.select_for_update().filter(pk=item_id).first()
            if item is None:
                outcome.missing.append(item_id)
                continue
            claim = (
                Claim.objects.select_for_update()
                .filter(item_type=queue.item_type, item_id=item_id, expires_at__gt=now)
                .exclude(moderator=moderator)
                .select_related("moderator")
                .first()
            )
            if claim is not None:
                outcome.claimed.append((item_id, claim.moderator.get_full_name() or "another moderator"))
                continue
            if not queue.waiting().filter(pk=item_id).exists():
                outcome.already_decided.append(item_id)
                continue
            try:
                action.run(item, moderator=moderator, reason=reason, note=note)
            except AlreadyDecided:
                outcome.already_decided.append(item_id)
                continue
            Claim.objects.filter(item_type=queue.item_type, item_id=item_id).delete()
            outcome.done.append(item_id)
    if outcome.done:
        counts_changed()  # this process's queue pages count again
    logger.info(
        "moderation: %s %s by %s: %s done, %s claimed by others, %s already decided",
        queue.key,
        action_key,
        moderator.pk,
        len(outcome.done),
        len(outcome.claimed),
        len(outcome.already_decided),
    )
    return outcome


def contact_reveal(*, queue: Queue, item, moderator, why: str) -> dict:
    ContactView.objects.create(item_type=queue.item_type, item_id=item.pk, moderator=moderator, why=why[:200])
    return queue.contact(item) if queue.contact else {}
