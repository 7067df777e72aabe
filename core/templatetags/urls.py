"""`{% url %}` through core.urls.reverse: Django's tag, its syntax and behaviour, with the
address kept once worked out. Loaded as a template builtin (settings.TEMPLATES), so it
replaces Django's tag of the same name in every template without a {% load %}."""

from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url_tag
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from core.urls import reverse

register = Library()


class KeptURLNode(URLNode):
    def render(self, context):
        # As django.template.defaulttags.URLNode.render, with the project's reverse().
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url_tag(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
