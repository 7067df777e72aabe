"""{% fragment "pledges/_pledge_card.html" pledge=pledge %}: a card or row rendered through
core.fragments, kept while its columns are unchanged (core/fragments.py gives the rule its
template must keep)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.fragments import render_fragment

register = template.Library()


@register.simple_tag
def fragment(template_name, **arguments):
    return render_fragment(template_name, **arguments)


# Where a kept fragment's form takes its CSRF token: `value="{{ csrf_slot }}"`.
CSRF_SLOT = "csrf-token-of-the-request"


@register.simple_tag(takes_context=True)
def fragment_with_token(context, template_name, **arguments):
    """{% fragment %} for a fragment holding a form: the fragment is kept with a stand-in
    where its CSRF token goes (`value="{{ csrf_slot }}"`), and the token of this request,
    which is the person's own, is put in its place on every render."""
    html = render_fragment(template_name, csrf_slot=CSRF_SLOT, **arguments)
    token = format_html("{}", context.get("csrf_token") or "")
    return SafeString(html.replace(f'value="{CSRF_SLOT}"', f'value="{token}"'))
