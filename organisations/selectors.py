import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import FilteredRelation, Q
from django.utils.safestring import SafeString

from accounts import roles
from core.charts import Series, stacked_bar_chart
from core.fragments import instance_from_row, render_kept, render_page_kept, row_fragment, row_key
from core.kept import kept_answer
from core.queries import KeptPages, kept_query
from counters import keys as linked_keys
from counters.services import counter_values

from . import keys as organisation_keys
from .models import (
    CQC_ID_PATTERN,
    ODS_CODE_PATTERN,
    Audience,
    CommitmentTask,
    EmployerCommitment,
    Membership,
    Organisation,
    Statement,
)


def home_summary() -> dict:
    totals = counter_values([organisation_keys.COMMITTED, organisation_keys.STAFF_COMMITMENTS])
    return {"committed": totals[organisation_keys.COMMITTED], "staff": totals[organisation_keys.STAFF_COMMITMENTS]}


def representatives(organisation: Organisation | int):
    """The active people who represent an organisation (or an organisation id)."""
    organisation_id = getattr(organisation, "pk", organisation)
    speaking = Membership.objects.representing(organisation_id).values("user_id")
    return get_user_model().objects.filter(pk__in=speaking, is_active=True).order_by("pk")


def is_representative(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.representing(organisation.pk).filter(user=user).exists()


def is_member(user, organisation: Organisation) -> bool:
    return user.is_authenticated and Membership.objects.filter(organisation=organisation, user=user).exists()


def admin_emails() -> list[str]:
    return roles.emails(roles.programme_admins())


def organisation_representative_emails(key: str) -> list[str]:
    """Milestone hook for the mail engine: who hears about the milestones of one organisation's
    totals (`organisations:<pk>:...`, and `pledges:organisation:<pk>` and the like that other
    programmes keep). Keys for the programme as a whole (organisations:committed...) have no
    representative.
    """
    organisation_id = organisation_keys.organisation_of(key) or linked_keys.organisation_of(key)
    if organisation_id is None:
        return []
    return list(representatives(organisation_id).values_list("email", flat=True))


def organisation_milestone_names(key: str, parts: list[str]) -> list[str]:
    """Milestone hook: in the labels of one organisation's totals (`organisations:<pk>:...`,
    `pledges:organisation:<pk>`), {1} is the organisation's name."""
    names = []
    for part in parts:
        organisation = Organisation.objects.filter(pk=int(part)).first() if part.isdigit() else None
        names.append(organisation_label(organisation) if organisation else part.replace("-", " "))
    return names


# How long each process keeps the directory's count per search is
# settings.ORGANISATIONS_DIRECTORY_COUNT_SECONDS: verifying an organisation (a few times a
# day) shows in the count at once in the process that did it, and within that many seconds
# in the others. The entries themselves are read on every view.

# The columns a directory card shows (templates/organisations/_directory_item.html): its
# rendered card is kept by these values, so no others are loaded.
DIRECTORY_CARD_COLUMNS = (
    "name",
    "slug",
    "type",
    "town",
    "region",
    "cqc_provider_id",
    "commitment__committed_on",
    "commitment__renewal_due_on",
)


def directory(*, q: str = "", region: str = "", type: str = "") -> KeptPages:
    """Verified organisations for the public directory, by name; committed or not, each
    marked. For Paginator: without a search its count and pages run SQL compiled once per
    process and set of filters (core/queries.py); a search is built each time. The count is
    kept ORGANISATIONS_DIRECTORY_COUNT_SECONDS per process."""
    seconds = settings.ORGANISATIONS_DIRECTORY_COUNT_SECONDS
    return _directory.pages_count_kept(seconds, q=q.strip(), region=region, type=type)


def directory_cards(rows, *, today) -> list[SafeString]:
    """The directory's entries for a page of its rows (values of DIRECTORY_CARD_COLUMNS), each
    kept rendered under its row and the day (core/fragments.py row_fragment)."""
    return [
        row_fragment(
            "organisations/_directory_item.html", "organisation", Organisation, DIRECTORY_CARD_COLUMNS, row, today=today
        )
        for row in rows
    ]


def directory_listing(page, *, today, query: str, keep: bool) -> SafeString:
    """The directory's count, entries and page links for a Page of its rows, `query` the
    other filters as the links carry them; kept with `keep` (a query of the filters' own
    choices, FilterForm.chosen_only: never a search), by the day too
    (core/fragments.py render_page_kept)."""
    return render_page_kept(
        "organisations/_directory_listing.html",
        page,
        lambda: {"page": page, "cards": directory_cards(page.object_list, today=today), "query": query},
        keep=keep,
        also=(today, query),
    )


def directory_changed() -> None:
    """An organisation joined or left the directory: this process counts it again."""
    _directory.counts_changed()


@kept_query
def _directory(*, q, region, type):
    organisations = Organisation.objects.listed().values_list(*DIRECTORY_CARD_COLUMNS)
    if q:
        organisations = organisations.filter(
            Q(name__icontains=q)
            | Q(town__icontains=q)
            | Q(cqc_provider_id__iexact=q)
            | Q(regulator_id__iexact=q)
            | Q(ods_code__iexact=q)
        )
    if region:
        organisations = organisations.filter(region=region)
    if type:
        organisations = organisations.filter(type=type)
    return organisations.order_by("name")


def _organisation_count_keys(pk: int) -> dict[str, str]:
    return {
        "staff": organisation_keys.staff_commitments(pk),
        "assisted": organisation_keys.assisted(pk),
        "tasks_done": organisation_keys.tasks_done(pk),
        "pledges": linked_keys.organisation_pledges(pk),
        "care_makers": linked_keys.organisation_care_makers(pk),
    }


def organisation_counts(organisation: Organisation) -> dict:
    """The organisation's kept totals: its own, and the pledges and Care Makers naming it,
    which those programmes keep under their own prefixes (counters/keys.py says why)."""
    keys = _organisation_count_keys(organisation.pk)
    totals = counter_values(keys.values())
    return {name: totals[key] for name, key in keys.items()}


def organisation_page_figures(organisation: Organisation) -> tuple[dict, dict | None]:
    """(organisation_counts(), commitment_task_figures() or None before it commits) for the
    organisation's public page, both from one read of the kept totals."""
    keys = _organisation_count_keys(organisation.pk)
    tasks = _TaskFigures(organisation, None) if hasattr(organisation, "commitment") else None
    kept = counter_values([*keys.values(), *(tasks.keys() if tasks else [])])
    return {name: kept[key] for name, key in keys.items()}, (tasks.figures(kept) if tasks else None)


# --- The commitment in practice: employers' tasks by statement ---------------------------


# The programme's figures (the impact page, its CSV and JSON) name the statements of the
# current set. A new set is published a few times in the programme's life, so each process
# keeps the titles ORGANISATIONS_STATEMENT_TITLES_SECONDS rather than reading the sets on
# every view (two queries).


def _statement_titles() -> dict[int, str]:
    """Employer statement titles of the newest published set, by number: read at most once
    every ORGANISATIONS_STATEMENT_TITLES_SECONDS per process."""
    seconds = settings.ORGANISATIONS_STATEMENT_TITLES_SECONDS
    return kept_answer("organisations-statement-titles", (), _statement_titles_read, seconds)


def _statement_titles_read() -> dict[int, str]:
    from .services import statement_set_current

    statement_set = statement_set_current()
    if statement_set is None:
        return {}
    return dict(_employer_statements(statement_set_id=statement_set.pk))


@kept_query
def _employer_statements(statement_set_id: int):
    return Statement.objects.filter(statement_set=statement_set_id, audience=Audience.EMPLOYER).values_list(
        "number", "title"
    )


def commitment_task_figures(organisation: Organisation | None = None, *, titles: dict[int, str] | None = None) -> dict:
    """Tasks chosen, done, overdue and still to do under each employer statement: one
    organisation's (titles as it signed them) or the whole programme's (titles of the current
    statements). Read from the kept totals in one query; overdue is as the nightly rollup found it.

    Tasks are an employer's public promises, not people, so these counts are shown whole: the
    small-number rule of counters.suppression is for counts of people and what they did."""
    tasks = _TaskFigures(organisation, titles)
    return tasks.figures(counter_values(tasks.keys()))


class _TaskFigures:
    """The kept totals commitment_task_figures reads, and its figures from them (so a page
    can read them with its other totals)."""

    def __init__(self, organisation: Organisation | None, titles: dict[int, str] | None):
        if titles is None:
            if organisation is not None and hasattr(organisation, "commitment"):
                titles = {s["number"]: s["title"] for s in organisation.commitment.statements}
            else:
                titles = _statement_titles()
        self.titles = titles
        self.numbers = sorted(titles) or list(range(1, 8))
        self.pk = organisation.pk if organisation is not None else None
        self.wanted = {
            (state, n): organisation_keys.commitment_tasks(state, n, self.pk)
            for state in organisation_keys.TASK_STATES
            for n in self.numbers
        }

    def keys(self) -> list[str]:
        extra = [organisation_keys.EVIDENCE_PUBLISHED, organisation_keys.COMMITTED] if self.pk is None else []
        return [*self.wanted.values(), *extra]

    def figures(self, kept: dict[str, int]) -> dict:
        rows = []
        for n in self.numbers:
            row = {"number": n, "title": self.titles.get(n, f"Statement {n}")}
            row.update({state: kept[self.wanted[(state, n)]] for state in organisation_keys.TASK_STATES})
            row["to_do"] = max(0, row["chosen"] - row["done"] - row["overdue"])
            rows.append(row)
        totals = {name: sum(row[name] for row in rows) for name in (*organisation_keys.TASK_STATES, "to_do")}
        figures = {"rows": rows, "totals": totals}
        if self.pk is None:
            figures["evidence_published"] = kept[organisation_keys.EVIDENCE_PUBLISHED]
            figures["committed"] = kept[organisation_keys.COMMITTED]
        return figures


def commitment_tasks_chart(figures: dict, *, title: str) -> str:
    """The tasks under each statement as bars split into done, overdue and not yet due."""
    rows = figures["rows"]
    return stacked_bar_chart(
        title=title,
        labels=[f"{row['number']}. {row['title']}" for row in rows],
        parts=[
            Series("Done", [row["done"] for row in rows]),
            Series("Overdue", [row["overdue"] for row in rows]),
            Series("Not yet due", [row["to_do"] for row in rows]),
        ],
        colours=[2, 5, 0],
    )


# The columns of an organisation and its commitment that its page reads (the view, and
# templates/organisations/_detail_summary.html and _commitment_section.html): read as plain
# values, the instances made from them (the other columns are deferred, as .only() leaves them).
_ORGANISATION_PAGE = (
    "id",
    "name",
    "slug",
    "type",
    "nation",
    "cqc_provider_id",
    "regulator_id",
    "ods_code",
    "town",
    "region",
    "website",
    "verified_at",
    "commitment__id",
    "commitment__statements",
    "commitment__committed_on",
    "commitment__renewal_due_on",
)

# The columns of a task the page shows as published evidence (_commitment_section.html).
_PUBLISHED_EVIDENCE = ("task_text", "evidence", "done_at", "statement_number")


# An employer's page runs this on every view: its SQL is compiled once per process.
@kept_query
def _organisation_by_slug(slug: str):
    """The organisation and its commitment, joined to the done tasks whose evidence it
    published, by statement: a row for each such task, or one row without any."""
    published = FilteredRelation(
        "commitment__tasks", condition=Q(commitment__tasks__evidence_published_at__isnull=False)
    )
    return (
        Organisation.objects.annotate(published=published)
        .filter(slug=slug)
        .values_list(*_ORGANISATION_PAGE, *(f"published__{name}" for name in _PUBLISHED_EVIDENCE))
        .order_by("published__statement_number", "published__done_at", "published__id")
    )


def organisation_for_page(slug: str) -> tuple[Organisation | None, tuple]:
    """The organisation at this address, with its commitment (verified or not: the page
    decides), and the rows of _PUBLISHED_EVIDENCE of its published evidence, in one read."""
    rows = _organisation_by_slug(slug=slug)
    if not rows:
        return None, ()
    at = len(_ORGANISATION_PAGE)
    evidence = tuple(row[at:] for row in rows if row[at] is not None)  # task_text is never NULL
    return instance_from_row(Organisation, _ORGANISATION_PAGE, rows[0][:at]), evidence


def organisation_summary(
    organisation: Organisation, commitment: EmployerCommitment | None, status: str | None, counts: dict
) -> SafeString:
    """The top of the organisation's page (templates/organisations/_detail_summary.html): what
    it is, its commitment's status and its totals (organisation_page_figures), rendered once
    per process for each organisation row, commitment's dates, status and set of totals."""
    dates = (commitment.committed_on, commitment.renewal_due_on) if commitment else None
    return render_kept(
        "organisations/_detail_summary.html",
        (row_key(organisation), dates, status, tuple(counts.items())),
        lambda: {"organisation": organisation, "commitment": commitment, "status": status, "counts": counts},
    )


def commitment_section(
    organisation: Organisation, commitment: EmployerCommitment, tasks: dict, evidence: tuple
) -> SafeString:
    """What the organisation committed to, its tasks by statement (organisation_page_figures),
    the done tasks whose evidence it has published (read as plain rows) and its badge, for its
    page: rendered once per process for each name and address, set of statements, figures
    and evidence rows (organisation_for_page)."""
    # The statements as signed (services._snapshot): the section shows each one's title and
    # text; the figures' rows carry the numbers with the titles.
    signed = tuple((statement.get("title"), statement.get("text")) for statement in commitment.statements)
    return render_kept(
        "organisations/_commitment_section.html",
        (organisation.name, organisation.slug, signed, tuple(tuple(row.items()) for row in tasks["rows"]), evidence),
        lambda: {
            "organisation": organisation,
            "commitment": commitment,
            "tasks": tasks,
            "evidence": [dict(zip(_PUBLISHED_EVIDENCE, row, strict=True)) for row in evidence],
        },
    )


# The columns an evidence card shows (templates/organisations/_evidence_card.html): the task's,
# then its organisation's. Read as plain values, the key of each kept card.
_EVIDENCE_TASK = ("task_text", "evidence", "done_at", "statement_number")
_EVIDENCE_ORGANISATION = ("name", "slug")


@kept_query
def _latest_published_evidence():
    return (
        CommitmentTask.objects.filter(evidence_published_at__isnull=False)
        .values_list(*_EVIDENCE_TASK, *(f"commitment__organisation__{name}" for name in _EVIDENCE_ORGANISATION))
        .order_by("-evidence_published_at")[:6]
    )


def latest_evidence_cards() -> list[SafeString]:
    """The newest published evidence across the programme (six), each card rendered once per
    process for its row's values (core/fragments.py render_kept); the task and its
    organisation are made only for a card not kept."""
    at = len(_EVIDENCE_TASK)

    def card(row: tuple) -> dict:
        return {
            "task": instance_from_row(CommitmentTask, _EVIDENCE_TASK, row[:at]),
            "organisation": instance_from_row(Organisation, _EVIDENCE_ORGANISATION, row[at:]),
        }

    return [
        render_kept("organisations/_evidence_card.html", row, lambda row=row: card(row))
        for row in _latest_published_evidence()
    ]


# --- Naming an organisation on a pledge or a Care Maker application ------------------
#
# People type their organisation into one text box. The box suggests directory entries
# as they type (a <datalist> filled from organisation_suggestions, when scripts run), and
# the server decides what the typed words mean with organisation_matches, so the same
# words link the same organisation with or without scripts.

SUGGESTIONS_MAX = 10


def organisation_label(organisation: Organisation) -> str:
    """How a directory entry is offered and written in the box: 'Oak Lodge Care Home, Exeter'."""
    return f"{organisation.name}, {organisation.town}"


def _squash(text: str) -> str:
    return " ".join((text or "").split())


def organisation_matches(text: str) -> list[Organisation]:
    """Verified organisations the typed words name exactly: by CQC provider ID, ODS code,
    'name, town' as suggested, or name alone. One entry links; none or several stay free text
    (at most two are returned, enough to tell "one" from "several")."""
    text = _squash(text)
    if not text:
        return []
    # Ordered by name, not pk: with LIMIT, ordering by pk tempts the planner to walk the
    # primary key past every row instead of using organisations_listed_name_idx.
    listed = Organisation.objects.listed().order_by("name", "pk")
    # Both are stored upper case; only words shaped like one are looked up as one.
    code = text.upper()
    if re.fullmatch(CQC_ID_PATTERN, code):
        return list(listed.filter(cqc_provider_id=code)[:2])
    if re.fullmatch(ODS_CODE_PATTERN, code):
        found = list(listed.filter(ods_code=code)[:2])
        if found:
            return found
    name, comma, town = text.rpartition(",")
    if comma and name.strip() and town.strip():
        found = list(listed.filter(name__iexact=name.strip(), town__iexact=town.strip())[:2])
        if found:
            return found
    return list(listed.filter(name__iexact=text)[:2])


def organisation_suggestions(text: str) -> list[str]:
    """Labels of verified organisations whose name starts with, or contains, the typed words."""
    text = _squash(text)
    if len(text) < 2:
        return []
    listed = Organisation.objects.listed()
    if text.startswith("1-"):
        found = list(listed.filter(cqc_provider_id__startswith=text)[:SUGGESTIONS_MAX])
    else:
        found = list(listed.filter(name__istartswith=text)[:SUGGESTIONS_MAX])
    if len(found) < SUGGESTIONS_MAX:
        seen = {o.pk for o in found}
        more = listed.filter(name__icontains=text).exclude(pk__in=seen)[: SUGGESTIONS_MAX - len(found)]
        found += list(more)
    return [organisation_label(o) for o in found]
