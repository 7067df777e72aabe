from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from core.urls import reverse

from .models import Pledge

FEED_SIZE = 50


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text.

    Django writes every summary as `type="html"`, so a feed reader decodes the (once escaped)
    pledge text and renders it as markup: "<b>" in a pledge would become bold, or worse.
    A pledge is plain text, so its summary says so and readers show exactly what was typed.
    """

    def add_item_elements(self, handler, item):
        description, item["description"] = item["description"], None
        super().add_item_elements(handler, item)
        item["description"] = description
        if description:
            handler.addQuickElement("summary", description, {"type": "text"})


class NewestPledgesFeed(Feed):
    feed_type = PlainTextAtomFeed
    title = "Care Pledge: newest pledges"
    subtitle = "The newest public pledges from people in health and social care."

    def link(self):
        return reverse("pledges:index")

    def items(self):
        return Pledge.objects.filter(status__in=Pledge.PUBLIC).select_related("theme").order_by("-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.text[:80] + ("…" if len(item.text) > 80 else "")

    def item_description(self, item):
        return f"{item.text} ({item.shown_as}; {item.theme.name})"

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.shown_as
