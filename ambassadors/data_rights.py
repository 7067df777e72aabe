"""What Care Makers holds about a person, for the account's export and erasure."""

from django.db import transaction

from .models import Activity, Application, CareMaker, EligibilityWaitlist, RegionalLead, Story
from .services import activities_uncount_all, count_active


def export(*, user, email: str) -> dict:
    if user is None:
        return {}
    care_maker = CareMaker.objects.filter(user=user).select_related("intake").first()
    return {
        "applications": [
            {
                "intake": a.intake.name,
                "submitted_at": a.submitted_at.isoformat(),
                "status": a.status,
                "role": a.role,
                "sector": a.sector,
                "organisation": a.organisation,
                "region": a.region,
                "years_in_role": a.years_in_role,
                "statement": a.statement,
                "chosen_c": a.chosen_c,
                "manager_name": a.manager_name,
                "manager_email": a.manager_email,
                "decline_reason": a.decline_reason.label if a.decline_reason else "",
                "decision_note": a.decision_note,
            }
            for a in Application.objects.filter(user=user).select_related("intake", "decline_reason")
        ],
        "care_maker": {
            "number": care_maker.number,
            "joined_on": care_maker.joined_on.isoformat(),
            "intake": care_maker.intake.name,
            "active": care_maker.active,
            "public_profile": care_maker.public_profile,
            "display_name": care_maker.display_name,
            "bio": care_maker.bio,
            "chosen_c": care_maker.chosen_c,
        }
        if care_maker
        else None,
        "stories": [
            {"title": s.title, "c": s.c, "text": s.text, "status": s.status}
            for s in Story.objects.filter(care_maker__user=user)
        ],
        "activities": [
            {
                "kind": a.kind,
                "done_on": a.done_on.isoformat(),
                "cs": a.cs,
                "reach": a.reach,
                "description": a.description,
            }
            for a in Activity.objects.filter(care_maker__user=user)
        ],
        "waiting_for_roles": [
            {"role": w.role, "sector": w.sector, "notified_at": w.notified_at.isoformat() if w.notified_at else None}
            for w in EligibilityWaitlist.objects.filter(user=user)
        ],
        "regions_led": list(RegionalLead.objects.filter(user=user).values_list("region", flat=True)),
    }


def erase(*, user, email: str, keep_contributions: bool) -> None:
    """Everything here belongs to the account and goes with it. Stories are the person's own
    words about their work, so they go too; the active totals are corrected in the same
    transaction so the counts stay right without waiting for the nightly recount."""
    if user is None:
        return
    with transaction.atomic():
        care_maker = CareMaker.objects.select_for_update().filter(user=user).first()
        if care_maker is not None:
            if care_maker.active:
                count_active(care_maker, -1)
            Story.objects.filter(care_maker=care_maker).delete()
            # Their activities go too, and out of the public totals with them.
            activities_uncount_all(care_maker=care_maker)
            Activity.objects.filter(care_maker=care_maker).delete()
            care_maker.delete()
        Application.objects.filter(user=user).delete()
        EligibilityWaitlist.objects.filter(user=user).delete()
        RegionalLead.objects.filter(user=user).delete()
