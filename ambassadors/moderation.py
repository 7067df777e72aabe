"""Care Maker stories in the shared moderation queue (claims, bulk actions, audit log, alerts).

The actions go through services.story_decide, which writes the audit row and emails the
author; a story already decided elsewhere (say in the Django admin) is reported, not redone.
"""

from moderation import queues
from moderation.services import AlreadyDecided

from . import selectors, services


def _decide(action: str):
    def run(story, *, moderator, reason=None, note=""):
        if not services.story_decide(story=story, action=action, moderator=moderator, reason=reason, note=note):
            raise AlreadyDecided

    return run


STORY_QUEUE_KEY = "care-maker-stories"


def register() -> None:
    queues.register(
        queues.Queue(
            key=STORY_QUEUE_KEY,
            label="Care Maker stories",
            item_type="story",
            reason_scope="story",
            waiting=selectors.moderation_queue,
            since_field="submitted_at",
            row_template="ambassadors/_moderation_row.html",
            actions={
                "publish": queues.Action("Publish", _decide("publish")),
                "reject": queues.Action("Reject", _decide("reject"), needs_reason=True, style="warning"),
            },
            position=40,
        )
    )
