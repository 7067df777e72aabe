from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q

from counters.services import counter_values

from .models import Membership, Organisation


def home_summary() -> dict:
    totals = counter_values(["organisations:committed", "organisations:staff-commitments"])
    return {"committed": totals["organisations:committed"], "staff": totals["organisations:staff-commitments"]}


def representatives(organisation: Organisation):
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=organisation, memberships__role=Membership.Role.REPRESENTATIVE, is_active=True
        )
        .order_by("pk")
    )


def is_representative(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(organisation=organisation, user=user, role=Membership.Role.REPRESENTATIVE).exists()


def is_member(user, organisation: Organisation) -> bool:
    return user.is_authenticated and Membership.objects.filter(organisation=organisation, user=user).exists()


def programme_admins():
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name="Programme admins"), is_active=True)
        .distinct()
        .order_by("pk")
    )


def admin_emails() -> list[str]:
    return [user.email for user in programme_admins()]


def organisation_representative_emails(key: str) -> list[str]:
    """Milestone hook for the mail engine: who hears about `organisations:<pk>:...` milestones.

    Keys for the programme as a whole (organisations:committed...) have no representative.
    """
    parts = key.split(":")
    if len(parts) < 3 or parts[0] != "organisations" or not parts[1].isdigit():
        return []
    return list(
        get_user_model()
        .objects.filter(
            memberships__organisation_id=int(parts[1]),
            memberships__role=Membership.Role.REPRESENTATIVE,
            is_active=True,
        )
        .order_by("pk")
        .values_list("email", flat=True)
    )


def directory(*, today: date, q: str = "", region: str = "", type: str = ""):
    """Verified organisations for the public directory, by name; committed or not, each marked."""
    organisations = Organisation.objects.filter(verified_at__isnull=False).select_related("commitment")
    q = q.strip()
    if q:
        organisations = organisations.filter(
            Q(name__icontains=q) | Q(town__icontains=q) | Q(cqc_provider_id__iexact=q) | Q(ods_code__iexact=q)
        )
    if region:
        organisations = organisations.filter(region=region)
    if type:
        organisations = organisations.filter(type=type)
    return organisations.order_by("name")


def organisation_counts(organisation: Organisation) -> dict:
    pk = organisation.pk
    totals = counter_values(
        [
            f"organisations:{pk}:staff-commitments",
            f"organisations:{pk}:assisted",
            f"organisations:{pk}:tasks-done",
        ]
    )
    return {
        "staff": totals[f"organisations:{pk}:staff-commitments"],
        "assisted": totals[f"organisations:{pk}:assisted"],
        "tasks_done": totals[f"organisations:{pk}:tasks-done"],
    }
