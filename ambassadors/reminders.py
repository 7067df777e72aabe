"""Care Maker reminders, as jobs of the reminder engine (mail/reminders.py), declared in
AmbassadorsConfig.ready, and the applications waiting too long, for the staff digest.

- care-makers-recommit: once a year, "will you stay a Care Maker?".
- care-makers-lapse: thirty days after that question with no answer, the profile is hidden and
  the Care Maker told how to show it again.
- care-makers-endorsement-reminder: one reminder to a line manager who has not endorsed within a week.

The outbox key makes each go once; `settle()` records on the Care Maker or application what the
next step reads (`recommit_requested_at`, the lapse itself, `endorsement_reminded_at`).
"""

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from accounts.choices import Region
from core.urls import reverse
from mail.models import Email
from mail.reminders import Reminder, ReminderJob, Waiting

from . import services
from .models import Application, CareMaker
from .permissions import reviewers

RECOMMIT_EVERY = timedelta(days=365)
LAPSE_AFTER = timedelta(days=services.LAPSE_AFTER_DAYS)
ENDORSE_REMIND_AFTER = timedelta(days=7)
WAITING_ALERT_AFTER = timedelta(days=7)


def _day(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y}"


class Recommit(ReminderJob):
    name = "care-makers-recommit"
    help = "To Care Makers: once a year, will you stay a Care Maker for another year?"
    # Not optional mail: without it the Care Maker would lapse without being asked.
    category = Email.Category.TRANSACTIONAL

    def due(self, now):
        care_makers = CareMaker.objects.filter(
            active=True, last_recommitted_at__lte=now - RECOMMIT_EVERY
        ).select_related("user")
        for care_maker in care_makers.order_by("pk"):
            if care_maker.recommit_requested_at and care_maker.recommit_requested_at > care_maker.last_recommitted_at:
                continue  # already asked this year
            yield Reminder(
                to=care_maker.user.email,
                about=f"care-maker-{care_maker.pk}-{care_maker.last_recommitted_at:%Y-%m-%d}",
                item=care_maker,
                context={
                    "name": care_maker.user.get_short_name(),
                    "number": care_maker.number,
                    "recommit_path": services.recommit_path(care_maker),
                    "days": services.LAPSE_AFTER_DAYS,
                },
            )

    def settle(self, reminders, now):
        # The lapse job counts thirty days from here: from the first asking, not a repeat run.
        CareMaker.objects.filter(pk__in=[r.item.pk for r in reminders]).filter(
            Q(recommit_requested_at__isnull=True) | Q(recommit_requested_at__lte=F("last_recommitted_at"))
        ).update(recommit_requested_at=now)


class Lapse(ReminderJob):
    name = "care-makers-lapse"
    kind = "care-makers-lapsed"
    help = "To Care Makers asked 30 days ago who have not recommitted: your profile is now hidden."
    category = Email.Category.TRANSACTIONAL

    def due(self, now):
        care_makers = CareMaker.objects.filter(
            active=True, recommit_requested_at__lte=now - LAPSE_AFTER
        ).select_related("user")
        for care_maker in care_makers.order_by("pk"):
            if care_maker.last_recommitted_at >= care_maker.recommit_requested_at:
                continue  # recommitted since they were asked
            yield Reminder(
                to=care_maker.user.email,
                about=f"care-maker-{care_maker.pk}-{care_maker.recommit_requested_at:%Y-%m-%d}",
                item=care_maker,
                context={
                    "name": care_maker.user.get_short_name(),
                    "number": care_maker.number,
                    "asked_on": _day(care_maker.recommit_requested_at),
                    "recommit_path": services.recommit_path(care_maker),
                },
            )

    def settle(self, reminders, now):
        for reminder in reminders:
            services.caremaker_lapse(care_maker=reminder.item, now=now)


class EndorsementReminder(ReminderJob):
    name = "care-makers-endorsement-reminder"
    kind = "care-makers-endorsement"
    help = "To line managers: one reminder to endorse an application after 7 days."
    category = Email.Category.TRANSACTIONAL

    def due(self, now):
        applications = (
            Application.objects.filter(
                status=Application.Status.SUBMITTED,
                endorsed_at__isnull=True,
                endorsement_reminded_at__isnull=True,
                submitted_at__lte=now - ENDORSE_REMIND_AFTER,
            )
            .exclude(manager_email="")
            .select_related("user")
        )
        for application in applications.order_by("pk"):
            yield Reminder(
                to=application.manager_email,
                about=f"application-{application.pk}",
                item=application,
                context=services.endorsement_context(application, reminder=True),
            )

    def settle(self, reminders, now):
        Application.objects.filter(pk__in=[r.item.pk for r in reminders], endorsement_reminded_at__isnull=True).update(
            endorsement_reminded_at=now
        )


JOBS = (Recommit(), Lapse(), EndorsementReminder())


def applications_waiting(now: datetime) -> list[Waiting]:
    """For the staff digest: per region, applications waiting over a week, for whoever reviews that region."""
    old = Application.objects.filter(status=Application.Status.SUBMITTED, submitted_at__lte=now - WAITING_ALERT_AFTER)
    by_region: dict[str, int] = {}
    for region in old.values_list("region", flat=True):
        by_region[region] = by_region.get(region, 0) + 1
    labels = dict(Region.choices)
    return [
        Waiting(
            description=(
                f"{count} Care Maker application{'s' if count != 1 else ''} in {labels.get(region, region)} "
                "waiting more than 7 days for a decision"
            ),
            path=reverse("ambassadors:review") + f"?region={region}",
            staff=reviewers(region),
        )
        for region, count in sorted(by_region.items())
    ]
