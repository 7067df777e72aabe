"""What a pledge changed: the outcome follow-up's answers, their kept totals and the impact figures.

A few months after a pledge is done (or after its campaign closes, if it never was), the
pledge-outcome job (pledges/reminders.py) emails a signed link to one page of questions. The
questions are an `OutcomeQuestionSet` an admin edits; each answer keeps the set it answered.

Every answer moves kept totals in its own transaction, under the pledges prefix so the pledges
recount (`pledges_truth`) covers them:

    pledges:<campaign>:outcomes:answered            people who answered
    pledges:<campaign>:outcomes:benefit:<choice>    several per answer
    pledges:<campaign>:outcomes:reach:<choice>
    pledges:<campaign>:outcomes:ongoing:<choice>
    pledges:<campaign>:outcomes:published           sentences published
    pledges:<campaign>:outcomes:by:<facet>:<value>:<measure>, and per organisation (pledges/keys.py)

An answer counts while its pledge counts (is on the wall): a withdrawn, hidden or rejected
pledge's answers leave every figure with it (pledges.services._transition moves them), and the
recount counts only the answers of counted pledges. The impact pages (pledges/impact.py) read
only these (and one page of published sentences), never a count of rows.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import cached_property

from core.kept import kept_answer
from core.privacy import personal_data_error
from core.queries import kept_query
from counters import suppression
from counters.services import counter_values_with_prefix, counters_add

from . import keys as pledge_keys
from .microcache import public_pages_changed
from .models import (
    OUTCOME_MULTIPLE,
    OUTCOME_SINGLE,
    Campaign,
    OutcomeQuestionSet,
    Pledge,
    PledgeOutcome,
    default_outcome_questions,
)

logger = logging.getLogger(__name__)

OUTCOME_SALT = "pledges.outcome"
# The email goes once; the link keeps working long enough to come back and change an answer.
OUTCOME_MAX_AGE = timedelta(days=365)
SENTENCES_PER_PAGE = 20
# The answer to "is it still going?" that the impact figures count as still going.
STILL_GOING_ANSWER = "yes"


class OutcomeError(Exception):
    """A rule stopped the answer; the message is written for the person."""


# --- Links and questions -------------------------------------------------------------


def outcome_token(pledge: Pledge) -> str:
    return signing.dumps({"p": pledge.pk}, salt=OUTCOME_SALT)


def outcome_token_read(token: str) -> int:
    """The pledge id; raises signing.SignatureExpired or signing.BadSignature."""
    return int(signing.loads(token, salt=OUTCOME_SALT, max_age=OUTCOME_MAX_AGE)["p"])


def outcome_question_set(campaign: Campaign) -> OutcomeQuestionSet:
    """The set asked now for this campaign: its own active set, else the one for every campaign."""
    if campaign is None:
        sets = OutcomeQuestionSet.objects.filter(campaign__isnull=True, is_active=True)
    else:
        sets = _active_question_sets(campaign_id=campaign.pk)
    found = sorted(sets, key=lambda s: s.campaign_id is None)
    if found:
        return found[0]
    # Seeded by migration 0008; put back after a flush (as transactional tests do).
    return OutcomeQuestionSet.objects.get_or_create(
        campaign=None, version=1, defaults={"questions": default_outcome_questions()}
    )[0]


def outcome_question_set_shown(campaign: Campaign | None) -> OutcomeQuestionSet:
    """outcome_question_set(), for the pages that show the figures (the impact report, an
    employer's page): kept per process as long as the totals it labels
    (selectors.pledge_counters), so an admin's edit of the questions shows there within
    PLEDGES_TOTALS_KEPT seconds, as on a micro-cached page. The set is shared by every
    request of the process (core.kept): callers read it and never change it.
    The answer page and the counting read the set afresh."""
    seconds = settings.PLEDGES_TOTALS_KEPT
    campaign_id = campaign.pk if campaign is not None else None
    return kept_answer("outcome-question-set", campaign_id, lambda: outcome_question_set(campaign), seconds)


@kept_query  # read by the impact pages and each answer: its SQL compiled once per process
def _active_question_sets(campaign_id: int):
    return OutcomeQuestionSet.objects.filter(Q(campaign=campaign_id) | Q(campaign__isnull=True), is_active=True)


def outcome_question_set_save(*, question_set: OutcomeQuestionSet) -> OutcomeQuestionSet:
    """Save an admin's edit of a question set.

    A set that has answers keeps its words: the edit is saved as the campaign's next version,
    so every answer still shows the questions it answered. A new set, or one made active,
    takes over from the campaign's active set."""
    with transaction.atomic():
        scope = OutcomeQuestionSet.objects.select_for_update().filter(
            **({"campaign": question_set.campaign_id} if question_set.campaign_id else {"campaign__isnull": True})
        )
        versions = [s.version for s in scope]
        if question_set.pk and PledgeOutcome.objects.filter(question_set_id=question_set.pk).exists():
            old = OutcomeQuestionSet.objects.get(pk=question_set.pk)
            if old.questions != question_set.questions or old.campaign_id != question_set.campaign_id:
                question_set.pk = None
                question_set.created_at = timezone.now()
        if question_set.pk is None:
            question_set.version = max(versions, default=0) + 1
        if question_set.is_active:
            scope.exclude(pk=question_set.pk).filter(is_active=True).update(is_active=False)
        question_set.save()
        return question_set


# --- Counting ------------------------------------------------------------------------


def _amounts(outcome: PledgeOutcome, sign: int, pledge: Pledge) -> dict[str, int]:
    from .services import facet_values

    campaign_id = outcome.campaign_id
    amounts = {pledge_keys.outcomes_answered(campaign_id): sign}
    for value in set(outcome.benefit):
        amounts[pledge_keys.outcome_choice(campaign_id, "benefit", value)] = sign
    amounts[pledge_keys.outcome_choice(campaign_id, "reach", outcome.reach)] = sign
    amounts[pledge_keys.outcome_choice(campaign_id, "ongoing", outcome.ongoing)] = sign
    if outcome.publish_change:
        amounts[pledge_keys.outcomes_published(campaign_id)] = sign
    for name, value in facet_values(pledge).items():
        amounts[pledge_keys.outcome_facet(outcome.campaign_id, name, value, pledge_keys.ANSWERED)] = sign
        if outcome.ongoing == STILL_GOING_ANSWER:
            amounts[pledge_keys.outcome_facet(outcome.campaign_id, name, value, pledge_keys.STILL_GOING)] = sign
    if pledge.organisation_id:
        organisation = pledge.organisation_id
        amounts[pledge_keys.organisation_outcomes_answered(organisation)] = sign
        for value in set(outcome.benefit):
            amounts[pledge_keys.organisation_outcome_choice(organisation, "benefit", value)] = sign
        for name in OUTCOME_SINGLE:
            amounts[pledge_keys.organisation_outcome_choice(organisation, name, getattr(outcome, name))] = sign
    return amounts


def outcome_amounts(pledge: Pledge, sign: int) -> dict[str, int]:
    """What the pledge's answers add to the totals (nothing if it has none), for the pledge's
    own moves on or off the wall."""
    outcome = PledgeOutcome.objects.filter(pledge_id=pledge.pk).first()
    return _amounts(outcome, sign, pledge) if outcome else {}


def _net(*parts: dict[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for key, amount in part.items():
            total[key] = total.get(key, 0) + amount
    return {key: amount for key, amount in total.items() if amount}


def outcomes_truth() -> dict[str, int]:
    """Every outcome total recounted from the table, for the nightly recount (via pledges_truth)."""
    from .services import facets_of

    truth: dict[str, int] = {}

    def add(key: str, n: int = 1) -> None:
        truth[key] = truth.get(key, 0) + n

    # Only the answers of pledges that count: a pledge off the wall takes its answers with it.
    answers = PledgeOutcome.objects.filter(pledge__status__in=Pledge.COUNTED)
    for row in answers.values("campaign_id").annotate(n=Count("id")):
        truth[pledge_keys.outcomes_answered(row["campaign_id"])] = row["n"]
    for row in answers.filter(publish_change=True).values("campaign_id").annotate(n=Count("id")):
        truth[pledge_keys.outcomes_published(row["campaign_id"])] = row["n"]
    for name in OUTCOME_SINGLE:
        for row in answers.values("campaign_id", name).annotate(n=Count("id")):
            truth[pledge_keys.outcome_choice(row["campaign_id"], name, row[name])] = row["n"]
    # Several choices per answer, in a JSON list: counted here rather than in SQL, so the same
    # code runs on SQLite (`make run`) as on PostgreSQL. Nightly, over the answers only.
    rows = answers.values_list("campaign_id", "benefit").order_by()
    for campaign_id, benefit in rows.iterator(chunk_size=2000):
        for value in set(benefit or []):
            key = pledge_keys.outcome_choice(campaign_id, "benefit", value)
            truth[key] = truth.get(key, 0) + 1
    # By theme, role, sector and region, and per organisation: grouped in the database.
    facets = ("pledge__theme__slug", "pledge__job_role", "pledge__sector", "pledge__region")
    for row in answers.values("campaign_id", "ongoing", *facets).annotate(n=Count("id")).order_by():
        values = facets_of(
            theme=row["pledge__theme__slug"],
            role=row["pledge__job_role"],
            sector=row["pledge__sector"],
            region=row["pledge__region"],
        )
        for name, value in values.items():
            add(pledge_keys.outcome_facet(row["campaign_id"], name, value, pledge_keys.ANSWERED), row["n"])
            if row["ongoing"] == STILL_GOING_ANSWER:
                add(pledge_keys.outcome_facet(row["campaign_id"], name, value, pledge_keys.STILL_GOING), row["n"])
    linked = answers.filter(pledge__organisation__isnull=False)
    for row in linked.values("pledge__organisation_id").annotate(n=Count("id")).order_by():
        add(pledge_keys.organisation_outcomes_answered(row["pledge__organisation_id"]), row["n"])
    for name in OUTCOME_SINGLE:
        for row in linked.values("pledge__organisation_id", name).annotate(n=Count("id")).order_by():
            add(pledge_keys.organisation_outcome_choice(row["pledge__organisation_id"], name, row[name]), row["n"])
    rows = linked.values_list("pledge__organisation_id", "benefit").order_by()
    for organisation_id, benefit in rows.iterator(chunk_size=2000):
        for value in set(benefit or []):
            add(pledge_keys.organisation_outcome_choice(organisation_id, "benefit", value))
    return truth


# --- Answering -----------------------------------------------------------------------


def _check(question_set: OutcomeQuestionSet, answers: dict) -> dict:
    """The answers, tidied; raises OutcomeError with words for the person."""
    benefit = sorted(set(answers.get("benefit") or []))
    offered = {name: {value for value, _ in question_set.choices(name)} for name in OUTCOME_SINGLE + OUTCOME_MULTIPLE}
    if not benefit or not set(benefit) <= offered["benefit"]:
        raise OutcomeError("Select who benefited")
    for name, message in (("reach", "Select how far it reached"), ("ongoing", "Select whether it is still going")):
        if answers.get(name) not in offered[name]:
            raise OutcomeError(message)
    change = " ".join((answers.get("change") or "").split())
    if len(change) > PledgeOutcome.CHANGE_MAX:
        raise OutcomeError(f"What changed must be {PledgeOutcome.CHANGE_MAX} characters or fewer")
    error = personal_data_error(change, what="What changed")
    if error:
        raise OutcomeError(error)
    publish = bool(answers.get("publish"))
    if publish and not change:
        raise OutcomeError("Write what changed, or do not choose to publish it")
    return {
        "benefit": benefit,
        "reach": answers["reach"],
        "ongoing": answers["ongoing"],
        "change": change,
        "publish_change": publish,
    }


def outcome_record(*, pledge: Pledge, question_set: OutcomeQuestionSet, answers: dict) -> PledgeOutcome:
    """Save (or change) the answers about a pledge and move the kept totals with them.

    `answers`: benefit (list of choice values), reach, ongoing, change (one sentence, may be
    empty), publish (bool). A changed answer takes the set it was given on (the one the page
    showed). A sentence with personal data is refused: it is published without a moderator."""
    tidy = _check(question_set, answers)
    with transaction.atomic():
        # The pledge row is the lock: two tabs saving at once move the totals once each, in turn.
        locked = (
            Pledge.objects.select_for_update(of=("self",))
            .select_related("theme")
            .filter(pk=pledge.pk)
            .exclude(status__in=Pledge.ENDED | {Pledge.Status.UNCONFIRMED})
            .first()
        )
        if locked is None:
            raise OutcomeError("This pledge has been withdrawn.")
        outcome = PledgeOutcome.objects.filter(pledge=locked).first()
        # Answers about a pledge off the wall (held or hidden) are kept, and counted if it returns.
        counted = locked.status in Pledge.COUNTED
        existed = outcome is not None
        before = _amounts(outcome, -1, locked) if existed and counted else {}
        now = timezone.now()
        if outcome is None:
            outcome = PledgeOutcome(pledge=locked, campaign_id=locked.campaign_id, answered_at=now)
        outcome.question_set = question_set
        outcome.updated_at = now
        for name, value in tidy.items():
            setattr(outcome, name, value)
        outcome.save()
        counters_add(_net(before, _amounts(outcome, 1, locked) if counted else {}))
        public_pages_changed()
    logger.info("pledge %s: outcome %s", pledge.pk, "changed" if existed else "answered")
    return outcome


def outcome_withdraw(*, pledge: Pledge) -> bool:
    """Delete the answers about a pledge and take them out of the totals. True if there were any."""
    with transaction.atomic():
        locked = Pledge.objects.select_for_update(of=("self",)).select_related("theme").filter(pk=pledge.pk).first()
        outcome = PledgeOutcome.objects.filter(pledge_id=pledge.pk).first()
        if outcome is None:
            return False
        outcome.delete()
        if locked is not None and locked.status in Pledge.COUNTED:
            counters_add(_amounts(outcome, -1, locked))
        public_pages_changed()
    logger.info("pledge %s: outcome withdrawn", pledge.pk)
    return True


# --- The impact figures --------------------------------------------------------------


def impact_figures(campaign: Campaign) -> dict:
    """The campaign's outcome figures from kept totals: one query for the totals, one for the set."""
    kept = counter_values_with_prefix(pledge_keys.outcomes(campaign.pk))
    question_set = outcome_question_set(campaign)
    answered = kept.get(pledge_keys.outcomes_answered(campaign.pk), 0)
    tables = {}
    for name in ("benefit", "reach", "ongoing"):
        choices = question_set.choices(name)
        counts = [kept.get(pledge_keys.outcome_choice(campaign.pk, name, value), 0) for value, _ in choices]
        # Each person gives one answer on reach and on still going, so those columns add up to
        # the number who answered, and one hidden cell could be worked out from the others.
        cells = suppression.shown_column(counts, adds_up=name != "benefit")
        rows = [
            {"label": label, "count": count, "shown": cell, "suppressed": count < suppression.MINIMUM_CELL}
            for (_, label), count, cell in zip(choices, counts, cells, strict=True)
        ]
        tables[name] = {"label": question_set.question(name)["label"], "rows": rows}
    return {
        "answered": answered,
        "answered_shown": suppression.shown(answered),
        "published": kept.get(pledge_keys.outcomes_published(campaign.pk), 0),
        "tables": tables,
        "smallest_shown": suppression.MINIMUM_CELL,
    }


class _KeptCountPaginator(Paginator):
    """Pages counted from a kept total, not a COUNT(*) of the rows."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._kept_count = count

    @cached_property
    def count(self) -> int:
        return self._kept_count
