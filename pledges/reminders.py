"""Pledge reminders, as jobs of the reminder engine (mail/reminders.py), declared in PledgesConfig.ready.

- pledge-nudge: a pledge still unconfirmed two days on gets one more confirmation link, once.
- pledge-followup: thirty days after publishing, "did you do it?", with a signed link to mark the
  pledge done and tell the story.
- pledge-outcome: what did the pledge change? A few months after a pledge is marked done
  (`PLEDGE_OUTCOME_AFTER_DONE_DAYS`, 90), or, for a pledge on the wall never marked done, a
  couple of weeks after its campaign closes (`PLEDGE_OUTCOME_AFTER_CLOSE_DAYS`, 14), a signed link
  to the outcome questions (pledges/outcomes.py). Once per pledge.
- pledge-closing: a week before the current campaign closes, each person with a pledge on the wall
  hears that there is a week left to share it and bring colleagues along.

The outbox key makes each go once. Each job also stamps its own rows in `settle()`
(`nudge_sent_at`, `followup_sent_at`, `outcome_asked_at`, `closing_reminded_at`), so its due() query only ever reads
pledges not yet reminded, not every pledge ever made.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.urls import reverse
from counters.services import counters_add
from mail.reminders import Reminder, ReminderJob

from . import keys as pledge_keys
from .models import Campaign, Pledge, PledgerCampaign
from .outcomes import outcome_token
from .services import CONFIRM_MAX_AGE, confirm_token, manage_token

NUDGE_AFTER = timedelta(days=2)
FOLLOWUP_AFTER = timedelta(days=30)
CLOSING_BEFORE = timedelta(days=7)
# Only occasions this recent are asked about: a new deployment does not write to every
# pledger of every past campaign, and the link is fresh when it arrives.
OUTCOME_ASK_WITHIN = timedelta(days=60)
# The jobs run hourly: this many each run keeps a run short after a quiet spell or a bulk load.
PER_RUN = 500
# Closing reminders go to everyone in a campaign at once: this many per run.
CLOSING_PER_RUN = 20000


def _stamp(model, reminders, field_name: str, now) -> None:
    ids = [reminder.item.pk for reminder in reminders]
    model.objects.filter(pk__in=ids, **{f"{field_name}__isnull": True}).update(**{field_name: now})


def _about_pledge(pledge: Pledge, **context) -> Reminder:
    """A reminder to a pledge's author about that pledge: who they are and what they pledged,
    plus the job's own links."""
    return Reminder(
        to=pledge.email,
        about=f"pledge-{pledge.pk}",
        item=pledge,
        context={"name": pledge.first_name, "text": pledge.text, "campaign": pledge.campaign.name, **context},
    )


class PledgeNudge(ReminderJob):
    name = "pledge-nudge"
    help = "To pledgers: a pledge still unconfirmed two days on gets one more confirmation link."
    limit = PER_RUN

    def due(self, now):
        pledges = Pledge.objects.filter(
            status=Pledge.Status.UNCONFIRMED,
            nudge_sent_at__isnull=True,
            created_at__lte=now - NUDGE_AFTER,
            # Not when the link would run out before they read it.
            created_at__gt=now - CONFIRM_MAX_AGE + timedelta(hours=12),
        ).select_related("campaign")
        for pledge in pledges.order_by("id"):
            yield _about_pledge(
                pledge, confirm_url=settings.SITE_URL + reverse("pledges:confirm", args=[confirm_token(pledge)])
            )

    def settle(self, reminders, now):
        _stamp(Pledge, reminders, "nudge_sent_at", now)


class PledgeFollowUp(ReminderJob):
    name = "pledge-followup"
    help = "To pledgers: thirty days after publishing, did you do it?"
    limit = PER_RUN

    def due(self, now):
        pledges = Pledge.objects.filter(
            status__in=Pledge.PUBLIC,
            done_at__isnull=True,
            followup_sent_at__isnull=True,
            published_at__lte=now - FOLLOWUP_AFTER,
        ).select_related("campaign")
        for pledge in pledges.order_by("id"):
            yield _about_pledge(
                pledge,
                manage_url=settings.SITE_URL + reverse("pledges:manage_signed", args=[manage_token(pledge)]),
                pledge_url=settings.SITE_URL + pledge.get_absolute_url(),
            )

    def settle(self, reminders, now):
        _stamp(Pledge, reminders, "followup_sent_at", now)


class PledgeOutcomeAsk(ReminderJob):
    name = "pledge-outcome"
    help = "To pledgers: months after a pledge is done, or after its campaign closes, what did it change?"
    limit = PER_RUN

    def due(self, now):
        after_done = timedelta(days=settings.PLEDGE_OUTCOME_AFTER_DONE_DAYS)
        after_close = timedelta(days=settings.PLEDGE_OUTCOME_AFTER_CLOSE_DAYS)
        waiting = Pledge.objects.filter(
            status__in=Pledge.PUBLIC, outcome_asked_at__isnull=True, outcome__isnull=True
        ).select_related("campaign")
        done = waiting.filter(done_at__lte=now - after_done, done_at__gt=now - after_done - OUTCOME_ASK_WITHIN)
        closed = waiting.filter(
            done_at__isnull=True,
            campaign__closes_at__lte=now - after_close,
            campaign__closes_at__gt=now - after_close - OUTCOME_ASK_WITHIN,
        )
        for pledge in (done | closed).order_by("id"):
            yield _about_pledge(
                pledge,
                done=pledge.done_at is not None,
                outcome_url=settings.SITE_URL + reverse("pledges:outcome", args=[outcome_token(pledge)]),
                pledge_url=settings.SITE_URL + pledge.get_absolute_url(),
            )

    def settle(self, reminders, now):
        # Stamped and counted together: the asked total (for the response rate) moves with the
        # stamp, for pledges that count, as every outcome figure does (pledges/outcomes.py).
        ids = [reminder.item.pk for reminder in reminders]
        with transaction.atomic():
            rows = list(
                Pledge.objects.select_for_update()
                .filter(pk__in=ids, outcome_asked_at__isnull=True)
                .order_by("pk")
                .values_list("pk", "campaign_id", "status")
            )
            Pledge.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(outcome_asked_at=now)
            asked: dict[str, int] = {}
            for _, campaign_id, status in rows:
                if status in Pledge.COUNTED:
                    key = pledge_keys.outcomes_asked(campaign_id)
                    asked[key] = asked.get(key, 0) + 1
            counters_add(asked)


class PledgeClosing(ReminderJob):
    name = "pledge-closing"
    help = "To everyone with a pledge on the wall: a week before the current campaign closes."
    limit = CLOSING_PER_RUN

    def due(self, now):
        campaign = Campaign.objects.filter(
            is_current=True, closes_at__gt=now, closes_at__lte=now + CLOSING_BEFORE
        ).first()
        if campaign is None:
            return
        context = {
            "campaign": campaign.name,
            "closes_on": timezone.localtime(campaign.closes_at).strftime("%-d %B %Y"),
            "wall_url": settings.SITE_URL + reverse("pledges:index"),
            "new_url": settings.SITE_URL + reverse("pledges:new"),
        }
        people = (
            PledgerCampaign.objects.filter(campaign=campaign, pledges__gt=0, closing_reminded_at__isnull=True)
            .exclude(email_normalised__startswith="erased:")
            .order_by("id")
            .only("id", "email_normalised")
        )
        for person in people[: self.limit]:
            yield Reminder(to=person.email_normalised, about=f"campaign-{campaign.pk}", item=person, context=context)

    def settle(self, reminders, now):
        _stamp(PledgerCampaign, reminders, "closing_reminded_at", now)


JOBS = (PledgeNudge(), PledgeFollowUp(), PledgeOutcomeAsk(), PledgeClosing())
