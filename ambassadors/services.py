"""Every change to Care Maker state that matters. Views and jobs call these.

Counters of active Care Makers are changed in the same transaction as the rows they
count; emails go through the outbox, keyed so a repeated call sends nothing twice.
"""

from datetime import date, datetime, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from core.privacy import find_personal_data, mask_personal_data, refuse_personal_data
from core.urls import reverse
from counters.services import counters_add
from mail.models import Email
from mail.services import email_queue
from moderation.models import Reason
from moderation.services import decision_record, reason_tells_author

from . import keys as ambassador_keys
from . import permissions
from .models import (
    Activity,
    Application,
    CareMaker,
    Eligibility,
    EligibilityWaitlist,
    Intake,
    SixC,
    Story,
)

ENDORSE_SALT = "ambassadors.endorse"
RECOMMIT_SALT = "ambassadors.recommit"
ENDORSE_MAX_AGE = 60 * 60 * 24 * 45
RECOMMIT_MAX_AGE = 60 * 60 * 24 * 60
LAPSE_AFTER_DAYS = 30
MIN_WORDS, MAX_WORDS = 40, 150


def word_count(text: str) -> int:
    return len((text or "").split())


# --- Eligibility ----------------------------------------------------------------------


def open_values(kind: str) -> set[str]:
    return set(Eligibility.objects.filter(kind=kind, is_open=True).values_list("value", flat=True))


def open_labels(choices, kind: str) -> list[str]:
    """The labels of the roles (or sectors) open now, in the choices' own order and case."""
    values = open_values(kind)
    return [label for value, label in choices.choices if value in values]


def is_eligible(*, role: str, sector: str) -> bool:
    return role in open_values(Eligibility.Kind.ROLE) and sector in open_values(Eligibility.Kind.SECTOR)


def eligibility_wait(*, user, role: str, sector: str) -> EligibilityWaitlist:
    """Ask to be told when a role and sector open. Asking twice keeps one request."""
    with transaction.atomic():
        wait, _ = EligibilityWaitlist.objects.get_or_create(
            user=user, role=role, sector=sector, notified_at__isnull=True, defaults={}
        )
    return wait


def eligibility_widen(*, kind: str, values: list[str], now: datetime | None = None) -> int:
    """Open roles or sectors, then email each waiting person whose role and sector are now both open.

    Returns how many people were told. The outbox key and notified_at make it once per request.
    """
    now = now or timezone.now()
    with transaction.atomic():
        for value in values:
            row, _ = Eligibility.objects.select_for_update().get_or_create(kind=kind, value=value)
            if not row.is_open:
                row.is_open, row.opened_at = True, now
                row.save(update_fields=["is_open", "opened_at"])
        roles, sectors = open_values(Eligibility.Kind.ROLE), open_values(Eligibility.Kind.SECTOR)
        waiting = EligibilityWaitlist.objects.select_for_update(skip_locked=True).filter(
            notified_at__isnull=True, role__in=roles, sector__in=sectors
        )
        told = 0
        for wait in waiting.select_related("user"):
            email_queue(
                kind="care-makers-eligibility-opened",
                to=wait.user.email,
                key=f"care-makers-eligibility-opened:{wait.pk}",
                about=wait,
                category=Email.Category.TRANSACTIONAL,
                context={
                    "name": wait.user.get_short_name(),
                    "role": wait.get_role_display(),
                    "sector": wait.get_sector_display(),
                    "apply_path": reverse("ambassadors:apply"),
                },
            )
            EligibilityWaitlist.objects.filter(pk=wait.pk, notified_at__isnull=True).update(notified_at=now)
            told += 1
    return told


def eligibility_narrow(*, kind: str, values: list[str]) -> None:
    with transaction.atomic():
        Eligibility.objects.filter(kind=kind, value__in=values).update(is_open=False)


# --- Applications ---------------------------------------------------------------------


def open_intake(*, today=None) -> Intake | None:
    today = today or timezone.localdate()
    return Intake.objects.filter(opens_on__lte=today, closes_on__gte=today).order_by("closes_on").first()


def next_intake(*, today=None) -> Intake | None:
    today = today or timezone.localdate()
    return Intake.objects.filter(opens_on__gt=today).order_by("opens_on").first()


def endorse_token(application: Application) -> str:
    return signing.dumps({"a": application.pk, "m": application.manager_email.lower()}, salt=ENDORSE_SALT)


def endorse_path(application: Application) -> str:
    return reverse("ambassadors:endorse", args=[endorse_token(application)])


def application_from_endorse_token(token: str) -> Application:
    """The application a manager's link is for; ValidationError if tampered with or too old."""
    try:
        data = signing.loads(token, salt=ENDORSE_SALT, max_age=ENDORSE_MAX_AGE)
        application = Application.objects.select_related("user").get(pk=data["a"])
    except (signing.BadSignature, Application.DoesNotExist, KeyError, TypeError):
        raise ValidationError("This endorsement link is not valid. It may have been changed or be too old.")
    if application.manager_email.lower() != data["m"]:
        raise ValidationError("This endorsement link is not valid. It may have been changed or be too old.")
    return application


def endorsement_context(application: Application, *, reminder: bool) -> dict:
    """The endorsement request's email, first sent here and once more by the reminder job."""
    return {
        "manager_name": application.manager_name,
        "applicant_name": application.user.get_full_name(),
        "who": application.who,
        "organisation": application.organisation,
        "chosen_c": application.get_chosen_c_display(),
        "statement": application.statement,
        "endorse_path": endorse_path(application),
        "reminder": reminder,
    }


def _queue_endorsement_request(application: Application) -> None:
    email_queue(
        kind="care-makers-endorsement",
        to=application.manager_email,
        key=f"care-makers-endorsement:{application.pk}:first",
        about=application,
        category=Email.Category.TRANSACTIONAL,
        context=endorsement_context(application, reminder=False),
    )


def application_submit(*, user, data: dict, today=None) -> Application:
    """Make an application to the open intake. ValidationError says plainly what is wrong."""
    intake = open_intake(today=today)
    if intake is None:
        raise ValidationError("Applications are closed at the moment.", code="no_intake")
    if not is_eligible(role=data["role"], sector=data["sector"]):
        raise ValidationError("Applications from your role and sector are not open yet.", code="not_eligible")
    count = word_count(data["statement"])
    if not MIN_WORDS <= count <= MAX_WORDS:
        raise ValidationError(
            f"Your statement must be between {MIN_WORDS} and {MAX_WORDS} words.", code="statement_length"
        )
    if not data.get("agreed"):
        raise ValidationError("You must agree to demonstrate and advocate all 6Cs.", code="not_agreed")
    if CareMaker.objects.filter(user=user).exists():
        raise ValidationError("You are already a Care Maker.", code="already_care_maker")
    fields = {
        name: data.get(name, "")
        for name in (
            "role",
            "sector",
            "organisation",
            "region",
            "years_in_role",
            "statement",
            "chosen_c",
            "manager_name",
            "manager_email",
        )
    }
    try:
        with transaction.atomic():
            application = Application.objects.create(
                user=user,
                intake=intake,
                agreed=True,
                listed_organisation=data.get("listed_organisation"),
                **fields,
            )
            if application.manager_email:
                _queue_endorsement_request(application)
    except IntegrityError:
        raise ValidationError("You already have an application waiting for a decision.", code="second_application")
    return application


def application_withdraw(*, application: Application, user) -> Application:
    with transaction.atomic():
        updated = Application.objects.filter(pk=application.pk, user=user, status=Application.Status.SUBMITTED).update(
            status=Application.Status.WITHDRAWN, withdrawn_at=timezone.now()
        )
        if not updated:
            raise ValidationError("This application has already been decided or withdrawn.")
    application.refresh_from_db()
    return application


def application_endorse(*, token: str) -> Application:
    """A line manager's one click. Endorsing twice is harmless."""
    application = application_from_endorse_token(token)
    with transaction.atomic():
        Application.objects.filter(pk=application.pk, endorsed_at__isnull=True).update(endorsed_at=timezone.now())
    application.refresh_from_db()
    return application


def _active_keys(care_maker: CareMaker) -> list[str]:
    keys = [
        ambassador_keys.ACTIVE,
        ambassador_keys.active("region", care_maker.region),
        ambassador_keys.active("role", care_maker.role),
        ambassador_keys.active("sector", care_maker.sector),
    ]
    if care_maker.listed_organisation_id:
        keys.append(ambassador_keys.organisation(care_maker.listed_organisation_id))
    return keys


def count_active(care_maker: CareMaker, amount: int) -> None:
    counters_add(dict.fromkeys(_active_keys(care_maker), amount))
    _directory_changed()


def _directory_changed() -> None:
    """The public directory keeps its count a few seconds: once this change commits, this
    process counts again."""
    from .selectors import directory_changed

    transaction.on_commit(directory_changed)


def _next_number() -> int:
    # Two approvals at once must not pick the same number: serialise on one lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [8_0055_0001])
    return (CareMaker.objects.aggregate(top=Max("number"))["top"] or 0) + 1


def _check_may_decide(*, user, applications: list[Application]) -> None:
    regions = permissions.review_regions(user)
    outside = [a for a in applications if a.region not in regions]
    if outside:
        raise PermissionDenied("You can only decide applications from the regions you lead.")


def _outcome_email(application: Application) -> None:
    email_queue(
        kind="care-makers-outcome",
        to=application.user.email,
        key=f"care-makers-outcome:{application.pk}",
        about=application,
        category=Email.Category.TRANSACTIONAL,
        context={
            "name": application.user.get_short_name(),
            "approved": application.status == Application.Status.APPROVED,
            "reason": application.decline_reason.label if application.decline_reason else "",
            "note": application.decision_note,
            "number": getattr(getattr(application, "caremaker", None), "number", None),
            "profile_path": reverse("ambassadors:my_profile"),
            "apply_path": reverse("ambassadors:index"),
        },
    )


def _check_places(applications: list[Application]) -> None:
    """Refuse, before changing anything, an approval that would go past an intake's places."""
    wanted: dict[int, int] = {}
    for application in applications:
        if application.status == Application.Status.SUBMITTED:
            wanted[application.intake_id] = wanted.get(application.intake_id, 0) + 1
    for intake in Intake.objects.select_for_update().filter(pk__in=wanted, places__isnull=False):
        taken = CareMaker.objects.filter(intake=intake).count()
        if taken + wanted[intake.pk] > intake.places:
            left = max(intake.places - taken, 0)
            raise ValidationError(
                f"{intake.name} has {intake.places} place{'s' if intake.places != 1 else ''} and {left} left, so you cannot approve "
                f"{wanted[intake.pk]} more.",
                code="places_full",
            )


def application_decide(
    *,
    applications: list[Application],
    decider,
    action: str,
    reason: Reason | None = None,
    note: str = "",
    now: datetime | None = None,
) -> dict:
    """A regional lead's decision, "approve" or "decline", on one or many applications. A lead
    outside their regions is refused before anything changes. Each decision writes its audit
    row; the applicant is emailed the outcome (on declining, when the reason says so).

    Returns {"decided": [...], "already": [...]} so the page can say what was skipped.
    """
    if action not in ("approve", "decline"):
        raise ValueError(f"unknown application decision {action!r}")
    approve = action == "approve"
    now = now or timezone.now()
    if not approve and reason is None:
        raise ValidationError("Choose a reason for declining.", code="no_reason")
    _check_may_decide(user=decider, applications=applications)
    decided, already = [], []
    with transaction.atomic():
        if approve:
            _check_places(applications)
        for application in applications:
            claimed = Application.objects.filter(pk=application.pk, status=Application.Status.SUBMITTED).update(
                status=Application.Status.APPROVED if approve else Application.Status.DECLINED,
                decided_by=decider,
                decided_at=now,
                decline_reason=None if approve else reason,
                decision_note=note,
            )
            if not claimed:
                already.append(application)
                continue
            application.refresh_from_db()
            decision_record(
                item_type="application",
                item_id=application.pk,
                summary=f"Care Maker application: {application.get_role_display()} in {application.get_region_display()}",
                action=action,
                actor=decider,
                reason=None if approve else reason,
                note=note,
            )
            if approve:
                application.caremaker = _care_maker_create(application, now=now)
            if approve or reason_tells_author(reason):
                _outcome_email(application)
            decided.append(application)
    return {"decided": decided, "already": already}


def _care_maker_create(application: Application, *, now: datetime) -> CareMaker:
    care_maker = CareMaker.objects.create(
        user=application.user,
        number=_next_number(),
        joined_on=timezone.localdate(now),
        intake=application.intake,
        application=application,
        role=application.role,
        sector=application.sector,
        region=application.region,
        organisation=application.organisation,
        listed_organisation_id=application.listed_organisation_id,
        active=True,
        last_recommitted_at=now,
        chosen_c=application.chosen_c,
        display_name=application.user.display_name,
    )
    count_active(care_maker, 1)
    return care_maker


# --- Care Makers ----------------------------------------------------------------------


def recommit_token(care_maker: CareMaker) -> str:
    return signing.dumps({"c": care_maker.pk, "n": care_maker.number}, salt=RECOMMIT_SALT)


def recommit_path(care_maker: CareMaker) -> str:
    return reverse("ambassadors:recommit", args=[recommit_token(care_maker)])


def care_maker_from_recommit_token(token: str) -> CareMaker:
    try:
        data = signing.loads(token, salt=RECOMMIT_SALT, max_age=RECOMMIT_MAX_AGE)
        return CareMaker.objects.select_related("user").get(pk=data["c"], number=data["n"])
    except (signing.BadSignature, CareMaker.DoesNotExist, KeyError, TypeError):
        raise ValidationError("This link is not valid. It may have been changed or be too old.")


def caremaker_recommit(*, care_maker: CareMaker, now: datetime | None = None) -> CareMaker:
    """Recommit for another year; a lapsed Care Maker becomes active again."""
    now = now or timezone.now()
    with transaction.atomic():
        care_maker = CareMaker.objects.select_for_update().get(pk=care_maker.pk)
        if not care_maker.active:
            count_active(care_maker, 1)
        care_maker.active = True
        care_maker.lapsed_at = None
        care_maker.last_recommitted_at = now
        care_maker.save(update_fields=["active", "lapsed_at", "last_recommitted_at"])
    return care_maker


def caremaker_lapse(*, care_maker: CareMaker, now: datetime | None = None) -> bool:
    """Hide a Care Maker who did not recommit. Kept, not deleted; True if this call lapsed them."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = CareMaker.objects.filter(pk=care_maker.pk, active=True).update(active=False, lapsed_at=now)
        if updated:
            count_active(care_maker, -1)
    return bool(updated)


def caremaker_update_profile(*, care_maker: CareMaker, data: dict) -> CareMaker:
    """The profile is public as soon as it is saved, with no moderator: personal data is refused."""
    refuse_personal_data(data["display_name"], what="The name to show")
    refuse_personal_data(data["bio"], what="Your bio")
    fields = ["public_profile", "show_activities", "display_name", "bio", "chosen_c"]
    with transaction.atomic():
        for name in fields:
            setattr(care_maker, name, data.get(name, False) if name == "show_activities" else data[name])
        care_maker.save(update_fields=fields)
        _directory_changed()
    return care_maker


# --- Activities -----------------------------------------------------------------------

ACTIVITY_FIELDS = ("kind", "done_on", "reach", "description")
ACTIVITY_C_FIELDS = tuple(Activity.c_field(c) for c in SixC.values)


def activity_counts(activity: Activity, region: str) -> dict[str, int]:
    """What one activity adds to the public totals: it, its kind, each C it showed, the
    Care Maker's region, and the lower bound of its reach band."""
    amounts = {
        ambassador_keys.ACTIVITIES: 1,
        ambassador_keys.activities("kind", activity.kind): 1,
        ambassador_keys.activities("region", region): 1,
        ambassador_keys.ACTIVITIES_REACH: Activity.REACH_AT_LEAST[activity.reach],
    }
    for c in activity.cs:
        amounts[ambassador_keys.activities("c", c)] = 1
    # By the year it was done, for the impact report's year on year.
    amounts[ambassador_keys.activities_in(activity.done_on.year)] = 1
    amounts[ambassador_keys.activities_reach_in(activity.done_on.year)] = Activity.REACH_AT_LEAST[activity.reach]
    return amounts


def _count_activity(activity: Activity, region: str, sign: int) -> None:
    counters_add({key: sign * amount for key, amount in activity_counts(activity, region).items()})


def _clean_activity(*, care_maker: CareMaker, data: dict, today: date | None) -> dict:
    """The rules the form also checks, so a caller that skips the form cannot break them."""
    if not care_maker.active:
        raise ValidationError("Only active Care Makers can log activities. Recommit to log them again.")
    today = today or timezone.localdate()
    fields = {name: data.get(name) for name in (*ACTIVITY_FIELDS, "cs")}
    fields["description"] = (fields["description"] or "").strip()
    fields["cs"] = [c for c in SixC.values if c in (fields["cs"] or [])]
    if fields["kind"] not in Activity.Kind.values:
        raise ValidationError("Choose what you did.")
    if fields["reach"] not in Activity.Reach.values:
        raise ValidationError("Choose roughly how many people it reached.")
    if not fields["cs"]:
        raise ValidationError("Choose at least one of the 6Cs it showed.")
    if not isinstance(fields["done_on"], date):
        raise ValidationError("Enter the date you did it.")
    if fields["done_on"] > today:
        raise ValidationError("The date you did it must be today or in the past.")
    if fields["done_on"] < Activity.EARLIEST:
        raise ValidationError(f"The date must be on or after {Activity.EARLIEST:%-d %B %Y}, when Care Makers began.")
    if len(fields["description"]) > Activity.MAX_DESCRIPTION:
        raise ValidationError(f"A few words about it must be {Activity.MAX_DESCRIPTION} characters or fewer.")
    refuse_personal_data(fields["description"], what="A few words about it")
    return fields


def activity_log(*, care_maker: CareMaker, data: dict, today: date | None = None) -> Activity:
    """Log what a Care Maker did. The public totals move in the same transaction."""
    fields = _clean_activity(care_maker=care_maker, data=data, today=today)
    cs = fields.pop("cs")
    with transaction.atomic():
        activity = Activity(care_maker=care_maker, **fields)
        activity.set_cs(cs)
        activity.save()
        _count_activity(activity, care_maker.region, 1)
    return activity


def activity_update(*, activity: Activity, care_maker: CareMaker, data: dict, today: date | None = None) -> Activity:
    """Change one of the Care Maker's own activities; the totals move from the old to the new."""
    fields = _clean_activity(care_maker=care_maker, data=data, today=today)
    with transaction.atomic():
        # Locked, so two edits at once each take away exactly what the other left.
        current = Activity.objects.select_for_update().filter(pk=activity.pk, care_maker=care_maker).first()
        if current is None:
            raise PermissionDenied("You can only change your own activities.")
        before = activity_counts(current, care_maker.region)
        current.set_cs(fields.pop("cs"))
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=[*ACTIVITY_FIELDS, *ACTIVITY_C_FIELDS, "updated_at"])
        after = activity_counts(current, care_maker.region)
        counters_add({key: after.get(key, 0) - before.get(key, 0) for key in before.keys() | after.keys()})
    return current


def activity_delete(*, activity: Activity, care_maker: CareMaker) -> bool:
    """Delete one of the Care Maker's own activities. True if this call deleted it."""
    with transaction.atomic():
        current = Activity.objects.select_for_update().filter(pk=activity.pk, care_maker=care_maker).first()
        if current is None:
            return False
        _count_activity(current, care_maker.region, -1)
        current.delete()
    return True


def activities_uncount_all(*, care_maker: CareMaker) -> None:
    """Take every activity of a Care Maker out of the totals, before their erasure deletes them."""
    for activity in Activity.objects.filter(care_maker=care_maker).only("kind", "reach", "done_on", *ACTIVITY_C_FIELDS):
        _count_activity(activity, care_maker.region, -1)


def activity_year(*, care_maker: CareMaker, today: date | None = None) -> dict:
    """What a Care Maker logged in the past 12 months, by kind and by C, for the recommit page."""
    today = today or timezone.localdate()
    since = today - timedelta(days=365)
    rows = list(Activity.objects.filter(care_maker=care_maker, done_on__gt=since).only("kind", *ACTIVITY_C_FIELDS))
    kinds = dict.fromkeys(Activity.Kind.values, 0)
    cs = dict.fromkeys(SixC.values, 0)
    for row in rows:
        kinds[row.kind] += 1
        for c in row.cs:
            cs[c] += 1
    return {
        "since": since + timedelta(days=1),
        "total": len(rows),
        "kinds": [{"label": Activity.Kind(k).label, "count": n} for k, n in kinds.items() if n],
        "cs": [{"label": SixC(c).label, "count": n} for c, n in cs.items() if n],
    }


# --- Stories --------------------------------------------------------------------------


def story_submit(*, care_maker: CareMaker, c: str, title: str, text: str) -> Story:
    if not care_maker.active:
        raise ValidationError("Only active Care Makers can post stories. Recommit to post again.")
    if len(text) > Story.MAX_LENGTH:
        raise ValidationError(f"Your story must be {Story.MAX_LENGTH:,} characters or fewer.")
    if c not in SixC.values:
        raise ValidationError("Choose which of the 6Cs your story shows.")
    found = find_personal_data(title, text)
    with transaction.atomic():
        return Story.objects.create(
            care_maker=care_maker, c=c, title=title, text=text, held=bool(found), held_reasons=", ".join(found)
        )


def _moderate(*, story: Story, moderator, status: str, now: datetime) -> bool:
    extra = {"published_at": now} if status == Story.Status.PUBLISHED else {}
    return bool(
        Story.objects.filter(pk=story.pk, status=Story.Status.SUBMITTED).update(
            status=status, moderated_by=moderator, moderated_at=now, **extra
        )
    )


STORY_DECISIONS = {"publish": Story.Status.PUBLISHED, "reject": Story.Status.REJECTED}


def story_decide(
    *, story: Story, action: str, moderator, reason: Reason | None = None, note: str = "", now: datetime | None = None
) -> bool:
    """A moderator's decision on a submitted story: "publish" (the author is told it is up) or
    "reject" (the author is told why when the reason says so; otherwise it is hidden quietly).
    Writes the audit row. False, with nothing written, if the story was already decided."""
    if not permissions.is_moderator(moderator):
        raise PermissionDenied("Only moderators can moderate stories.")
    now = now or timezone.now()
    with transaction.atomic():
        if not _moderate(story=story, moderator=moderator, status=STORY_DECISIONS[action], now=now):
            return False
        story.refresh_from_db()
        decision_record(
            item_type="story",
            item_id=story.pk,
            summary=f"{story.get_c_display()}: {story.title}"[:300],
            action=action,
            actor=moderator,
            reason=reason,
            note=note,
        )
        if action == "publish":
            _story_published_email(story)
        elif reason_tells_author(reason):
            _story_rejected_email(story, reason)
    return True


def _story_published_email(story: Story) -> None:
    user = story.care_maker.user
    email_queue(
        kind="care-makers-story-published",
        to=user.email,
        key=f"care-makers-story-published:{story.pk}",
        about=story,
        category=Email.Category.TRANSACTIONAL,
        context={
            "name": user.get_short_name(),
            "title": story.title,
            "story_path": reverse("ambassadors:story", args=[story.pk]),
        },
    )


def _story_rejected_email(story: Story, reason: Reason) -> None:
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


# --- Recount --------------------------------------------------------------------------


def recount_active() -> dict[str, int]:
    """Every ambassadors:* total, the per-organisation ones included."""
    truth: dict[str, int] = {ambassador_keys.ACTIVE: 0}
    active = CareMaker.objects.filter(active=True).only("region", "role", "sector", "listed_organisation_id")
    for care_maker in active.iterator():
        for key in _active_keys(care_maker):
            truth[key] = truth.get(key, 0) + 1
    truth.update(activities_truth())
    return truth


def activities_truth() -> dict[str, int]:
    """Every ambassadors:activities* total, grouped in the database rather than row by row."""
    truth: dict[str, int] = {ambassador_keys.ACTIVITIES: 0, ambassador_keys.ACTIVITIES_REACH: 0}
    for row in Activity.objects.values("kind", "reach", "care_maker__region").annotate(n=Count("pk")):
        truth[ambassador_keys.ACTIVITIES] += row["n"]
        truth[ambassador_keys.ACTIVITIES_REACH] += row["n"] * Activity.REACH_AT_LEAST[row["reach"]]
        for key in (
            ambassador_keys.activities("kind", row["kind"]),
            ambassador_keys.activities("region", row["care_maker__region"]),
        ):
            truth[key] = truth.get(key, 0) + row["n"]
    for row in Activity.objects.values("done_on__year", "reach").annotate(n=Count("pk")).order_by():
        year = row["done_on__year"]
        for key, amount in (
            (ambassador_keys.activities_in(year), row["n"]),
            (ambassador_keys.activities_reach_in(year), row["n"] * Activity.REACH_AT_LEAST[row["reach"]]),
        ):
            truth[key] = truth.get(key, 0) + amount
    by_c = Activity.objects.aggregate(**{c: Count("pk", filter=Q(**{Activity.c_field(c): True})) for c in SixC.values})
    truth.update({ambassador_keys.activities("c", c): n for c, n in by_c.items() if n})
    return truth


# --- Privacy re-check -----------------------------------------------------------------


def caremakers_recheck_privacy(*, dry_run: bool = False) -> dict[str, int]:
    """Apply today's privacy check to Care Maker text already public: profile names, bios and
    organisations (refused today, never checked before) and published stories are masked in place, e.g.
    "[phone number removed]", so the person sees what was taken out when they next edit."""
    counts = {"profiles_masked": 0, "stories_masked": 0}
    profiles = CareMaker.objects.only("pk", "display_name", "bio", "organisation")
    for care_maker in profiles.iterator(chunk_size=2000):
        if find_personal_data(care_maker.display_name, care_maker.bio, care_maker.organisation):
            counts["profiles_masked"] += 1
            if not dry_run:
                CareMaker.objects.filter(pk=care_maker.pk).update(
                    display_name=mask_personal_data(care_maker.display_name)[:80],
                    bio=mask_personal_data(care_maker.bio),
                    organisation=mask_personal_data(care_maker.organisation)[:200],
                )
    published = Story.objects.filter(status=Story.Status.PUBLISHED).only("pk", "title", "text")
    for story in published.iterator(chunk_size=2000):
        found = find_personal_data(story.title, story.text)
        if found:
            counts["stories_masked"] += 1
            if not dry_run:
                Story.objects.filter(pk=story.pk).update(
                    title=mask_personal_data(story.title)[:120],
                    text=mask_personal_data(story.text),
                    held=True,
                    held_reasons=", ".join(found),
                )
    return counts
