"""`{% extends %}`: Django's tag, its syntax and behaviour, with the blocks of the template
at the root of a page found once. Loaded as a template builtin (settings.TEMPLATES), so it
replaces Django's tag of the same name in every template without a {% load %}.

On every render Django walks the whole root template (base.html: the header, the
navigation, the footer) for its blocks. A compiled template never changes, so its blocks
are found on its first render and kept on it: the cached loader hands out the same
compiled template for as long as the process runs, and a template loaded afresh (a
changed file while developing) is a new object that is walked again.

Measured under load (py-spy, the uncached search page): the walk was 2.5% of the
workers' Python time.
"""

from django.template import Library
from django.template.base import TextNode
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode
from django.template.loader_tags import do_extends as django_do_extends

register = Library()


def _root_blocks(template) -> dict[str, BlockNode] | None:
    """The blocks of `template` by name when it extends nothing (it is a page's root), or None."""
    try:
        return template._root_blocks
    except AttributeError:
        pass
    blocks = None
    for node in template.nodelist:
        # An {% extends %} is the first node that is not text.
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                blocks = {n.name: n for n in template.nodelist.get_nodes_by_type(BlockNode)}
            break
    template._root_blocks = blocks
    return blocks


class KeptBlocksExtendsNode(ExtendsNode):
    def render(self, context):
        # As django.template.loader_tags.ExtendsNode.render, with the root's blocks kept.
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = _root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def do_extends(parser, token):
    node = django_do_extends(parser, token)
    return KeptBlocksExtendsNode(node.nodelist, node.parent_name)
