from django import template
from django.db.models import Q

from ..models import Pledge, normalise_email
from ..services import user_email_verified

register = template.Library()


@register.simple_tag
def my_pledges(user) -> list:
    """The signed-in person's pledges, for the My account page."""
    pledges = []
    if user.is_authenticated:
        # Pledges made with this address before signing up count only once the address is proved.
        mine = Q(user=user)
        if user_email_verified(user):
            mine |= Q(email_normalised=normalise_email(user.email))
        pledges = list(
            Pledge.objects.filter(mine).exclude(status__in=Pledge.ENDED).select_related("campaign").order_by("-id")[:50]
        )
    return pledges


@register.inclusion_tag("pledges/_organisation_impact.html")
def organisation_pledge_impact(organisation_id: int, organisation_name: str = "") -> dict:
    """What the pledges of an organisation's staff changed, for the organisation's page: kept
    totals only, and no breakdown below the minimum group size. A tag here, so the
    organisations app shows pledge figures without importing pledges."""
    from .. import keys as pledge_keys
    from ..impact import organisation_report

    made_key = pledge_keys.organisation(organisation_id)
    return {
        "report": organisation_report(organisation_id, made_key=made_key),
        "organisation_name": organisation_name,
    }
