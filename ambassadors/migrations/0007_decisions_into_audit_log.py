"""Copy the Care Makers' own decline reasons and decisions into the shared ones.

- Each DeclineReason becomes a moderation.Reason that applies to applications (the seeded four
  get readable codes), active and ordered as before, telling the applicant (as every decline
  did); each declined application points at it.
- Each ambassadors.Decision becomes one moderation.Decision (item_type "application") with its
  outcome, reason, actor, time and note. Since the reviews also wrote to the shared log, most
  already have a row there: that row is completed with the reason, not written twice.

Going back rebuilds the old rows from the shared ones, so 0008 can be undone too.
"""

from datetime import timedelta

from django.db import migrations
from django.utils.text import slugify

from moderation.privacy import mask_personal_data

APPLICATION = "application"
# The reasons seeded by 0002, with codes a programme admin can read in the admin.
SEEDED = {
    "The statement does not say enough about why you want to champion the 6Cs": "application-statement-too-short",
    "The places in this intake are full": "application-intake-full",
    "We could not confirm your role or organisation": "application-role-not-confirmed",
    "The application does not meet the Care Maker agreement": "application-agreement-not-met",
}
POSITION_FROM = 200  # after the pledge (0-99) and organisation (100+) reasons
# A review wrote both rows in one transaction, a moment apart.
SAME_DECISION_WITHIN = timedelta(minutes=5)


def _free_code(Reason, wanted: str) -> str:
    code, n = wanted[:50], 2
    while Reason.objects.filter(code=code).exists():
        suffix = f"-{n}"
        code, n = wanted[: 50 - len(suffix)] + suffix, n + 1
    return code


def application_reasons_seed(apps, schema_editor=None):
    """The four starting decline reasons, as shared reasons (a test database flushed by a
    browser test gets them back from here)."""
    Reason = apps.get_model("moderation", "Reason")
    for order, (label, code) in enumerate(SEEDED.items()):
        Reason.objects.get_or_create(
            code=code,
            defaults={"label": label, "applies_to": APPLICATION, "notify_author": True, "position": POSITION_FROM + order},
        )


def _reason_for(Reason, old):
    existing = Reason.objects.filter(applies_to=APPLICATION, label=old.text).first()
    if existing is not None:
        return existing
    code = SEEDED.get(old.text) or _free_code(Reason, "application-" + (slugify(old.text) or "reason"))
    return Reason.objects.create(
        code=code,
        label=old.text,
        applies_to=APPLICATION,
        notify_author=True,
        position=POSITION_FROM + old.order,
        active=old.is_active,
    )


def _actor_name(user) -> str:
    # As decision_record names people: the name they gave, else the account number.
    if user is None:
        return "system"
    return (" ".join(user.display_name.split()) or f"Account {user.pk}")[:150]


def forward(apps, schema_editor):
    DeclineReason = apps.get_model("ambassadors", "DeclineReason")
    OldDecision = apps.get_model("ambassadors", "Decision")
    Application = apps.get_model("ambassadors", "Application")
    Reason = apps.get_model("moderation", "Reason")
    Decision = apps.get_model("moderation", "Decision")

    reasons = {old.pk: _reason_for(Reason, old) for old in DeclineReason.objects.order_by("order", "pk")}
    for old_pk, reason in reasons.items():
        Application.objects.filter(decline_reason_id=old_pk).update(reason=reason)

    used: set[int] = set()
    old_rows = OldDecision.objects.select_related("application", "decided_by").order_by("decided_at", "pk")
    for old in old_rows.iterator(chunk_size=500):
        action = "approve" if old.outcome == "approved" else "decline"
        reason = reasons.get(old.reason_id)
        candidates = (
            Decision.objects.filter(
                item_type=APPLICATION,
                item_id=old.application_id,
                action=action,
                actor_id=old.decided_by_id,
                created_at__gte=old.decided_at - SAME_DECISION_WITHIN,
                created_at__lte=old.decided_at + SAME_DECISION_WITHIN,
            )
            .exclude(pk__in=used)
            .order_by("created_at", "pk")
        )
        match = candidates.first()
        fields = {"reason": reason, "reason_label": reason.label if reason else ""}
        if match is not None:
            Decision.objects.filter(pk=match.pk).update(**fields)
            used.add(match.pk)
            continue
        application = old.application
        new = Decision.objects.create(
            item_type=APPLICATION,
            item_id=old.application_id,
            item_summary=mask_personal_data(
                f"Care Maker application: {application.get_role_display()} in {application.get_region_display()}"
            )[:300],
            action=action,
            actor_id=old.decided_by_id,
            actor_name=_actor_name(old.decided_by),
            note=mask_personal_data(old.note),
            **fields,
        )
        # created_at is set on insert; the decision's own time is the history.
        Decision.objects.filter(pk=new.pk).update(created_at=old.decided_at)
        used.add(new.pk)


def backward(apps, schema_editor):
    DeclineReason = apps.get_model("ambassadors", "DeclineReason")
    OldDecision = apps.get_model("ambassadors", "Decision")
    Application = apps.get_model("ambassadors", "Application")
    Reason = apps.get_model("moderation", "Reason")
    Decision = apps.get_model("moderation", "Decision")

    olds = {}
    for reason in Reason.objects.filter(applies_to=APPLICATION):
        olds[reason.pk], _ = DeclineReason.objects.get_or_create(
            text=reason.label[:200],
            defaults={"is_active": reason.active, "order": max(reason.position - POSITION_FROM, 0)},
        )
    for reason_pk, old in olds.items():
        Application.objects.filter(reason_id=reason_pk).update(decline_reason=old)
    existing = set(Application.objects.values_list("pk", flat=True))
    for decision in Decision.objects.filter(item_type=APPLICATION, action__in=["approve", "decline"]):
        if decision.item_id not in existing:
            continue
        OldDecision.objects.create(
            application_id=decision.item_id,
            outcome="approved" if decision.action == "approve" else "declined",
            decided_by_id=decision.actor_id,
            decided_at=decision.created_at,
            reason=olds.get(decision.reason_id),
            note=decision.note[:1000],
        )


class Migration(migrations.Migration):
    dependencies = [("ambassadors", "0006_application_reason")]

    operations = [migrations.RunPython(forward, backward)]
