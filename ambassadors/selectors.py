from django.conf import settings
from django.utils.safestring import SafeString

from accounts.choices import JobRole, Region, Sector
from core.fragments import instance_from_row, render_kept, render_page_kept, row_fragment
from core.queries import KeptPages, kept_query
from counters.services import counter_values, counter_values_with_prefix
from counters.suppression import MINIMUM_CELL, shown, shown_column
from moderation.models import Decision

from . import keys as ambassador_keys
from . import services
from .models import Activity, Application, CareMaker, SixC, Story


def home_summary() -> dict:
    totals = counter_values([ambassador_keys.ACTIVE])
    return {"active": totals[ambassador_keys.ACTIVE]}


def active_counts(kept: dict[str, int]) -> dict:
    """Kept totals by region, role and sector (no COUNT over Care Makers in a page request),
    from the figures' prefix read (`kept`)."""

    def rows(kind: str, choices) -> list[dict]:
        return [
            {"value": value, "label": label, "count": kept.get(ambassador_keys.active(kind, value), 0)}
            for value, label in choices.choices
        ]

    return {
        "total": kept.get(ambassador_keys.ACTIVE, 0),
        "regions": rows("region", Region),
        "roles": [row for row in rows("role", JobRole) if row["count"]],
        "sectors": [row for row in rows("sector", Sector) if row["count"]],
    }


def activity_counts(kept: dict[str, int]) -> dict:
    """Kept totals of what Care Makers logged, each cell under the minimum shown as "fewer than 5",
    from the figures' prefix read (`kept`)."""

    def rows(kind: str, choices, *, adds_up: bool) -> list[dict]:
        counts = [kept.get(ambassador_keys.activities(kind, value), 0) for value, _ in choices]
        cells = shown_column(counts, adds_up=adds_up)
        return [{"label": label, "shown": cell} for (_, label), cell in zip(choices, cells, strict=True)]

    total = kept.get(ambassador_keys.ACTIVITIES, 0)
    return {
        "total": shown(total),
        # The sum of people reached could single out a lone activity's band, so it is hidden with the total.
        "reach": shown(kept.get(ambassador_keys.ACTIVITIES_REACH, 0)) if total >= MINIMUM_CELL else shown(0),
        "kinds": rows("kind", Activity.Kind.choices, adds_up=True),
        # An activity can show several Cs, so this column does not add up to the total.
        "cs": rows("c", SixC.choices, adds_up=False),
        "regions": rows("region", Region.choices, adds_up=True),
        "minimum": MINIMUM_CELL,
    }


# The figures and impact pages are drawn from the kept totals alone: their tables, map and
# charts are worked out and rendered once per process for each set of totals
# (core/fragments.py render_kept), not on every view.


def figures_page() -> SafeString:
    """The figures page's content, rendered: the active Care Makers, the milestones reached,
    the map, tables and activity counts, kept per set of totals and milestones."""
    kept = counter_values_with_prefix(ambassador_keys.ACTIVE_AND_ACTIVITIES)
    milestones = tuple(_milestones_reached())

    def arguments() -> dict:
        from counters.models import Milestone

        from .regions_map import region_map

        totals = active_counts(kept)
        return {
            "active": kept.get(ambassador_keys.ACTIVE, 0),
            "milestones": [instance_from_row(Milestone, MILESTONE_COLUMNS, row) for row in milestones],
            "totals": totals,
            "map": region_map(totals["regions"]),
            "activities": activity_counts(kept),
        }

    return render_kept("ambassadors/_counts_figures.html", (frozenset(kept.items()), milestones), arguments)


def impact_page(*, today=None) -> SafeString:
    """The Care Makers impact page's content, rendered (see figures_page)."""
    from django.utils import timezone

    year = (today or timezone.localdate()).year
    kept = counter_values_with_prefix(ambassador_keys.ACTIVE_AND_ACTIVITIES)
    return render_kept(
        "ambassadors/_impact_figures.html",
        (year, frozenset(kept.items())),
        lambda: impact_report(today=today, kept=kept),
    )


def impact_report(*, today=None, kept: dict[str, int] | None = None) -> dict:
    """The Care Makers impact report, from kept totals only (one prefix read, unless `kept`
    is given): Care Makers by region, role and sector, what they logged, and this year's
    activities against last year's. Every count under the minimum is "fewer than 5"."""
    from django.utils import timezone

    from core.charts import bar_chart

    year = (today or timezone.localdate()).year
    if kept is None:
        kept = counter_values_with_prefix(ambassador_keys.ACTIVE_AND_ACTIVITIES)
    activities = activity_counts(kept)

    def column(kind: str, choices, *, key, adds_up: bool = True) -> list[dict]:
        counts = [kept.get(key(kind, value), 0) for value, _ in choices]
        cells = shown_column(counts, adds_up=adds_up)
        return [
            {"label": label, "count": count, "shown": cell}
            for (_, label), count, cell in zip(choices, counts, cells, strict=True)
        ]

    def chart(title: str, rows: list[dict]) -> str:
        items = [(row["label"], row["count"] if row["shown"][:1].isdigit() else None) for row in rows]
        return bar_chart(title=title, items=items, texts=[row["shown"] for row in rows], width=360, labels_above=True)

    active = {
        "regions": column("region", Region.choices, key=ambassador_keys.active),
        "roles": [row for row in column("role", JobRole.choices, key=ambassador_keys.active) if row["count"]],
        "sectors": [row for row in column("sector", Sector.choices, key=ambassador_keys.active) if row["count"]],
    }
    by = {
        "kinds": column("kind", Activity.Kind.choices, key=ambassador_keys.activities),
        "cs": column("c", SixC.choices, key=ambassador_keys.activities, adds_up=False),
        "regions": column("region", Region.choices, key=ambassador_keys.activities),
    }
    years = []
    for y in (year, year - 1):
        logged = kept.get(ambassador_keys.activities_in(y), 0)
        reach = kept.get(ambassador_keys.activities_reach_in(y), 0)
        # The people reached could single out a lone activity's band: hidden with the count.
        years.append({"year": y, "activities": shown(logged), "reach": shown(reach if logged >= MINIMUM_CELL else 0)})
    return {
        "active": shown(kept.get(ambassador_keys.ACTIVE, 0)),
        "active_by": active,
        "activities": activities,
        "by": by,
        "years": years,
        "charts": {
            "kinds": chart("Activities by kind", by["kinds"]),
            "cs": chart("Activities by the C they showed", by["cs"]),
            "regions": chart("Activities by region", by["regions"]),
            "active_regions": chart("Active Care Makers by region", active["regions"]),
        },
        "minimum": MINIMUM_CELL,
    }


def impact_rows(report: dict) -> list[list]:
    """The report's figures as the page shows them: (section, answer, figure)."""
    rows = [["active", "Active Care Makers", report["active"]]]
    for name, group in (("active-by-region", "regions"), ("active-by-role", "roles"), ("active-by-sector", "sectors")):
        rows += [[name, row["label"], row["shown"]] for row in report["active_by"][group]]
    rows.append(["activities", "Activities logged", report["activities"]["total"]])
    rows.append(["activities", "People reached, at least", report["activities"]["reach"]])
    for name, group in (
        ("activities-by-kind", "kinds"),
        ("activities-by-c", "cs"),
        ("activities-by-region", "regions"),
    ):
        rows += [[name, row["label"], row["shown"]] for row in report["by"][group]]
    for year in report["years"]:
        rows.append(["year", f"Activities done in {year['year']}", year["activities"]])
        rows.append(["year", f"People reached in {year['year']}, at least", year["reach"]])
    return rows


IMPACT_FIELDS = ["section", "answer", "figure"]


# How long each process keeps the directory's count per set of filters is
# settings.AMBASSADORS_DIRECTORY_COUNT_SECONDS: a Care Maker who joins, lapses or shows or
# hides a profile is counted at once in the process that saved it, and within that many
# seconds in the others. The cards are read on every view.

# The columns a card shows (templates/ambassadors/_directory_card.html, and CareMaker.name):
# its rendered card is kept by these values, so no others are loaded.
DIRECTORY_CARD_COLUMNS = ("number", "role", "region", "chosen_c", "display_name", "user__display_name")


def directory(*, region="", role="", sector="", c="") -> KeptPages:
    """The public directory's Care Makers, by number, for Paginator: its count and pages run
    SQL compiled once per process and set of filters (core/queries.py), the count kept
    AMBASSADORS_DIRECTORY_COUNT_SECONDS per process."""
    seconds = settings.AMBASSADORS_DIRECTORY_COUNT_SECONDS
    return _directory.pages_count_kept(seconds, region=region, role=role, sector=sector, c=c)


def directory_changed() -> None:
    """A Care Maker joined or left the directory, or changed what it filters by: this
    process counts again."""
    _directory.counts_changed()


def directory_cards(rows) -> list[SafeString]:
    """The directory's cards for a page of its rows (values of DIRECTORY_CARD_COLUMNS), each
    kept rendered under its row (core/fragments.py row_fragment)."""
    return [
        row_fragment("ambassadors/_directory_card.html", "care_maker", CareMaker, DIRECTORY_CARD_COLUMNS, row)
        for row in rows
    ]


def directory_listing(page, *, query: str, keep: bool) -> SafeString:
    """The directory's count, cards and page links for a Page of its rows, `query` the
    other filters as the links carry them; kept with `keep` (a query of the filters' own
    choices, FilterForm.chosen_only: core/fragments.py render_page_kept)."""
    return render_page_kept(
        "ambassadors/_directory_listing.html",
        page,
        lambda: {"page_obj": page, "cards": directory_cards(page.object_list), "query": query},
        keep=keep,
        also=query,
    )


@kept_query
def _directory(*, region, role, sector, c):
    qs = CareMaker.objects.filter(active=True, public_profile=True).values_list(*DIRECTORY_CARD_COLUMNS)
    if region:
        qs = qs.filter(region=region)
    if role:
        qs = qs.filter(role=role)
    if sector:
        qs = qs.filter(sector=sector)
    if c:
        qs = qs.filter(chosen_c=c)
    return qs.order_by("number")


def review_queue(*, regions: set[str], region="", role="", intake=None, status=Application.Status.SUBMITTED):
    qs = Application.objects.filter(region__in=regions).select_related("user", "intake", "decided_by")
    if region:
        qs = qs.filter(region=region)
    if role:
        qs = qs.filter(role=role)
    if intake:
        qs = qs.filter(intake=intake)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("submitted_at", "pk")


def published_stories(*, c=""):
    qs = Story.objects.filter(status__in=Story.PUBLIC).select_related("care_maker", "care_maker__user")
    if c:
        qs = qs.filter(c=c)
    return qs.order_by("-published_at", "-pk")


def moderation_queue():
    return (
        Story.objects.filter(status=Story.Status.SUBMITTED)
        .select_related("care_maker", "care_maker__user")
        .order_by("submitted_at", "pk")
    )


def application_decisions(application: Application):
    """The audit log's decisions on one application, newest first."""
    return Decision.objects.filter(item_type="application", item_id=application.pk).select_related("actor", "reason")


def latest_application(user) -> Application | None:
    return (
        Application.objects.filter(user=user)
        .select_related("intake", "decline_reason")
        .order_by("-submitted_at")
        .first()
    )


# What the figures page shows of each milestone (its rows are read as plain values).
MILESTONE_COLUMNS = ("threshold", "label", "reached_at")


@kept_query  # on the Care Maker figures page: its SQL compiled once per process
def _milestones_reached():
    """The ten newest Care Maker milestones, as values of MILESTONE_COLUMNS."""
    from counters.models import Milestone

    return (
        Milestone.objects.filter(key__startswith=ambassador_keys.PREFIX)
        .order_by("-reached_at", "-threshold")
        .values_list(*MILESTONE_COLUMNS)[:10]
    )


EXPORT_ACTIVITY_FIELDS = ["kind", "done_month", "cs", "reach", "region", "role", "sector"]


def export_activity_rows():
    """Every activity, one row each, for the programme admins' evaluation download: what, when
    (the month), the Cs and the reach band, with the Care Maker's region, role and sector. No
    Care Maker, name, number or description (the words are public only on opted-in profiles)."""
    fields = [Activity.c_field(c) for c in SixC.values]
    rows = Activity.objects.order_by("pk").values_list(
        "kind", "done_on", "reach", "care_maker__region", "care_maker__role", "care_maker__sector", *fields
    )
    for kind, done_on, reach, region, role, sector, *flags in rows.iterator(chunk_size=2000):
        yield {
            "kind": kind,
            "done_month": done_on.strftime("%Y-%m"),
            "cs": ";".join(c for c, flag in zip(SixC.values, flags, strict=True) if flag),
            "reach": reach,
            "region": region,
            "role": role,
            "sector": sector,
        }


# --- Applying ------------------------------------------------------------------------


def application_elsewhere(user) -> tuple[str, str] | None:
    """(what to tell them, the page to send them to) for someone with no application to start."""
    if CareMaker.objects.filter(user=user).exists():
        return "You are already a Care Maker.", "ambassadors:my_profile"
    if Application.objects.filter(user=user, status=Application.Status.SUBMITTED).exists():
        return "You already have an application waiting for a decision.", "ambassadors:my_application"
    return None


def application_initial(user, checked: dict) -> dict:
    """The apply form's first values: a role and sector the person asked to check, else their account's."""
    return {
        "role": checked.get("role") or user.job_role,
        "sector": checked.get("sector") or user.sector,
        "region": user.region,
        "organisation": user.organisation_name,
    }


def application_eligibility(user, *, role: str, sector: str) -> dict:
    """Whether applications are open to this role and sector, as the apply page's context.

    `role` and `sector` are what was posted, else the form's first values (possibly not valid
    choices at all, which say nothing about eligibility).
    """
    closed = bool(
        role in JobRole.values and sector in Sector.values and not services.is_eligible(role=role, sector=sector)
    )
    return {
        "role": role,
        "sector": sector,
        "closed": closed,
        "open_roles": services.open_labels(JobRole, "role"),
        "open_sectors": services.open_labels(Sector, "sector"),
        "closed_role": JobRole(role).label if closed else "",
        "closed_sector": Sector(sector).label if closed else "",
        "already_waiting": closed
        and user.care_maker_waits.filter(role=role, sector=sector, notified_at__isnull=True).exists(),
    }
