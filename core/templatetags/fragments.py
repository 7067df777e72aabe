"""{% fragment "pledges/_pledge_card.html" pledge=pledge %}: a card or row rendered through
core.fragments, kept while its columns are unchanged (core/fragments.py gives the rule its
template must keep)."""

from django import template

from core.fragments import render_fragment

register = template.Library()


@register.simple_tag
def fragment(template_name, **arguments):
    return render_fragment(template_name, **arguments)
