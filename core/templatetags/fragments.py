"""{% fragment "pledges/_pledge_card.html" pledge=pledge %}: a card or row rendered through
core.fragments, kept while its columns are unchanged (core/fragments.py gives the rule its
template must keep). {% kept "name" value ... %}...{% endkept %}: a part of a page kept the
same way, under the values it is drawn from."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString

from core.csrf import SLOT, token_in
from core.fragments import render_fragment, render_part_kept

register = template.Library()


@register.simple_tag
def fragment(template_name, **arguments):
    return render_fragment(template_name, **arguments)


@register.simple_tag(takes_context=True)
def fragment_with_token(context, template_name, **arguments):
    """{% fragment %} for a fragment holding a form: the fragment is kept with a stand-in
    where its CSRF token goes (`value="{{ csrf_slot }}"`), and the token of this request,
    which is the person's own, is put in its place on every render."""
    return _with_token(render_fragment(template_name, csrf_slot=SLOT, **arguments), context)


def _with_token(html: str, context) -> SafeString:
    return token_in(html, context.get("csrf_token") or "")


class KeptPartNode(template.Node):
    def __init__(self, nodelist, name, values, when):
        self.nodelist, self.name, self.values, self.when = nodelist, name, values, when
        self.holds_token = bool(nodelist.get_nodes_by_type(CsrfTokenNode))

    def render(self, context):
        if not self.holds_token:
            return self._render(context)
        with context.push(csrf_token=SLOT):
            html = self._render(context)
        return _with_token(html, context)

    def _render(self, context):
        render = lambda: self.nodelist.render(context)  # noqa: E731
        if self.when is not None and not self.when.resolve(context):
            return render()
        place = (self.origin.template_name, self.name.resolve(context))
        return render_part_kept(place, tuple(value.resolve(context) for value in self.values), render)


@register.tag
def kept(parser, token):
    """{% kept "name" value ... [when=condition] %}...{% endkept %}: the part between the tags,
    rendered with the page's context, kept under this template, the name and the values given
    (core.fragments.render_part_kept), which must be everything the part reads. With `when`,
    kept only when the condition holds (say, a query made of fixed choices): a part drawn from
    something anyone can type is rendered every time, so it cannot push kept parts out.
    Nothing about the person may be in it, except a {% csrf_token %}: that is kept as a
    stand-in, and each render puts the request's own token in its place (as
    {% fragment_with_token %} does)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% kept %} needs a name for the part")
    when = None
    if bits[-1].startswith("when="):
        when = parser.compile_filter(bits.pop()[len("when=") :])
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptPartNode(
        nodelist, parser.compile_filter(bits[0]), [parser.compile_filter(bit) for bit in bits[1:]], when
    )
