"""Pledge reminders, as jobs of the reminder engine (mail/reminders.py), declared in PledgesConfig.ready.

- pledge-nudge: a pledge still unconfirmed two days on gets one more confirmation link, once.
- pledge-followup: thirty days after publishing, "did you do it?", with a signed link to mark the
  pledge done and tell the story.
- pledge-closing: a week before the current campaign closes, each person with a pledge on the wall
  hears that there is a week left to share it and bring colleagues along.

The outbox key makes each go once. Each job also stamps its own rows in `settle()`
(`nudge_sent_at`, `followup_sent_at`, `closing_reminded_at`), so its due() query only ever reads
pledges not yet reminded, not every pledge ever made.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mail.reminders import Reminder, ReminderJob

from .models import Campaign, Pledge, PledgerCampaign
from .services import CONFIRM_MAX_AGE, confirm_token, manage_token

NUDGE_AFTER = timedelta(days=2)
FOLLOWUP_AFTER = timedelta(days=30)
CLOSING_BEFORE = timedelta(days=7)
# The jobs run hourly: this many each run keeps a run short after a quiet spell or a bulk load.
PER_RUN = 500
# Closing reminders go to everyone in a campaign at once: this many per run.
CLOSING_PER_RUN = 20000


def _stamp(model, reminders, field_name: str, now) -> None:
    ids = [reminder.item.pk for reminder in reminders]
    model.objects.filter(pk__in=ids, **{f"{field_name}__isnull": True}).update(**{field_name: now})


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
            yield Reminder(
                to=pledge.email,
                about=f"pledge-{pledge.pk}",
                item=pledge,
                context={
                    "name": pledge.first_name,
                    "text": pledge.text,
                    "campaign": pledge.campaign.name,
                    "confirm_url": settings.SITE_URL + reverse("pledges:confirm", args=[confirm_token(pledge)]),
                },
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
            yield Reminder(
                to=pledge.email,
                about=f"pledge-{pledge.pk}",
                item=pledge,
                context={
                    "name": pledge.first_name,
                    "text": pledge.text,
                    "campaign": pledge.campaign.name,
                    "manage_url": settings.SITE_URL + reverse("pledges:manage_signed", args=[manage_token(pledge)]),
                    "pledge_url": settings.SITE_URL + pledge.get_absolute_url(),
                },
            )

    def settle(self, reminders, now):
        _stamp(Pledge, reminders, "followup_sent_at", now)


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


JOBS = (PledgeNudge(), PledgeFollowUp(), PledgeClosing())
