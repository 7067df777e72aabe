from django import template

from core.urls import reverse
from mail.links import preferences_token

register = template.Library()


@register.simple_tag
def email_preferences_path(email: str) -> str:
    return reverse("mail:preferences", args=[preferences_token(email)])
