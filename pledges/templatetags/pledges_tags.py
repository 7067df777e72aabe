from django import template

from ..models import Pledge, normalise_email

register = template.Library()


@register.simple_tag
def my_pledges(user) -> list:
    """The signed-in person's pledges, for the My account page."""
    pledges = []
    if user.is_authenticated:
        pledges = list(
            Pledge.objects.filter(email_normalised=normalise_email(user.email))
            .exclude(status__in=Pledge.ENDED)
            .select_related("campaign")
            .order_by("-id")[:50]
        )
    return pledges
