"""What the outcome follow-up holds about a person, for accounts.data_rights (export and erase).

Registered as "pledge-outcomes", which sorts before "pledges": on an erasure that removes
contributions the answers leave the kept totals here, before the pledges (and, by cascade,
any answers left) are deleted. Kept contributions keep their answers: the pledge they hang
on no longer names anyone."""

from .data_rights import _theirs
from .models import PledgeOutcome
from .outcomes import outcome_withdraw


def export(*, user, email: str) -> dict:
    answers = (
        PledgeOutcome.objects.filter(pledge__in=_theirs(user, email))
        .select_related("pledge", "campaign", "question_set")
        .order_by("id")
    )
    return {
        "outcomes": [
            {
                "campaign": a.campaign.name,
                "pledge": a.pledge.text,
                "who_benefited": [a.question_set.label_for("benefit", v) for v in a.benefit],
                "how_far_it_reached": a.question_set.label_for("reach", a.reach),
                "still_going": a.question_set.label_for("ongoing", a.ongoing),
                "what_changed": a.change,
                "published": a.publish_change,
                "answered_at": a.answered_at.isoformat(),
                "questions_version": a.question_set.version,
            }
            for a in answers
        ]
    }


def erase(*, user, email: str, keep_contributions: bool) -> None:
    if keep_contributions:
        return
    for pledge in _theirs(user, email).filter(outcome__isnull=False):
        outcome_withdraw(pledge=pledge)
