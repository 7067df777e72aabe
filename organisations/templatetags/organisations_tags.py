from django import template

register = template.Library()


@register.filter
def status_on(commitment, today) -> str:
    """A commitment's status on a given day, from the one place it is worked out."""
    return commitment.status(today) if commitment else ""
