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
            row_columns=("id", "title", "c", "held", "held_reasons", "text"),
            actions={
                "publish": queues.Action("Publish", _decide("publish")),
                "reject": queues.Action("Reject", _decide("reject"), needs_reason=True, style="warning"),
            },
            position=40,
        )
    )


def recheck_public_text(*, dry_run: bool = False) -> list[str]:
    """For moderation.recheck: profiles and published stories the check now catches are masked."""
    verb = "would be " if dry_run else ""
    counts = services.caremakers_recheck_privacy(dry_run=dry_run)
    return [
        f"care makers: {counts['profiles_masked']} profiles {verb}masked, "
        f"{counts['stories_masked']} stories {verb}masked"
    ]
