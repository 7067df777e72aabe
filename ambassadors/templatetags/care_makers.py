from django import template

from ambassadors import permissions

register = template.Library()


@register.filter
def can_review_applications(user) -> bool:
    return permissions.can_review(user)


@register.filter
def can_moderate_stories(user) -> bool:
    return permissions.is_moderator(user)
