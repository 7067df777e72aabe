"""Care Maker stories in the shared moderation queue (claims, bulk actions, audit log, alerts).

The actions go through our own services, so publishing emails the author and a story
already decided elsewhere (say on /care-makers/stories/moderate/) is reported, not redone.
"""

from django.urls import reverse

from mail.models import Email
from mail.services import email_queue
from moderation import queues
from moderation.privacy import mask_personal_data
from moderation.services import AlreadyDecided

from . import selectors, services


def _publish(story, *, moderator, reason=None, note=""):
    if not services.story_publish(story=story, moderator=moderator):
        raise AlreadyDecided


def _reject(story, *, moderator, reason=None, note=""):
    if not services.story_reject(story=story, moderator=moderator):
        raise AlreadyDecided
    # Some reasons tell the author why; the others hide the story quietly.
    if reason is not None and reason.notify_author:
        user = story.care_maker.user
        email_queue(
            kind="care-makers-story-rejected",
            to=user.email,
            key=f"care-makers-story-rejected:{story.pk}",
            about=story,
            category=Email.Category.TRANSACTIONAL,
            context={
                "name": user.get_short_name(),
                "title": mask_personal_data(story.title),
                "reason": reason.label,
                "explanation": reason.explanation,
                "new_story_path": reverse("ambassadors:story_new"),
            },
        )


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
                "publish": queues.Action("Publish", _publish),
                "reject": queues.Action("Reject", _reject, needs_reason=True, style="warning"),
            },
            summary=lambda story: f"{story.get_c_display()}: {story.title}"[:300],
            position=40,
        )
    )
