from django import template

from counters.selectors import latest_milestone

register = template.Library()


@register.inclusion_tag("counters/_latest_milestone.html")
def latest_milestone_banner():
    return {"milestone": latest_milestone()}
