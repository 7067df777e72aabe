"""The impact report: what pledges changed, per campaign and for each organisation's staff.

Every figure comes from kept totals (pledges/keys.py), read a campaign at a time with one
prefix query; the only rows read in a request are one page of published sentences. Every
count shown passes through counters.suppression, so a cell under 5 reads "fewer than 5".
"""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from accounts.choices import JobRole, Region, Sector
from core.charts import bar_chart
from core.fragments import render_kept, row_fragment, row_key
from core.kept import FrozenDict
from core.queries import kept_query
from counters import suppression

from . import keys as pledge_keys
from . import outcomes
from .models import OUTCOME_SINGLE, Campaign, OutcomeQuestionSet, Pledge, PledgeOutcome, Theme
from .selectors import campaign_counters, kept_match_count, pledge_counters, wall_choices

FACET_LABELS = {"theme": "Theme", "role": "Role", "sector": "Sector", "region": "Region"}
# Columns of each breakdown table: (name, heading).
MEASURES = (("made", "Made"), ("done", "Done"), ("answered", "Told us"), ("still_going", "Still going"))


def previous_campaign(campaign: Campaign, campaigns: list[Campaign] | None = None) -> Campaign | None:
    """The campaign that opened last before this one (from `campaigns` when the caller has them)."""
    if campaigns is None:
        return Campaign.objects.filter(opens_at__lt=campaign.opens_at).order_by("-opens_at").first()
    earlier = [c for c in campaigns if c.opens_at < campaign.opens_at]
    return max(earlier, key=lambda c: c.opens_at, default=None)


def _facet_labels(name: str, themes: dict[str, str]) -> list[tuple[str, str]]:
    if name == "theme":
        return list(themes.items())
    return list({"role": JobRole, "sector": Sector, "region": Region}[name].choices)


def _headline(campaign_id: int, kept: dict[str, int]) -> dict[str, int]:
    return {
        "made": kept.get(pledge_keys.total(campaign_id), 0),
        "people": kept.get(pledge_keys.people(campaign_id), 0),
        "done": kept.get(pledge_keys.done(campaign_id), 0),
        "asked": kept.get(pledge_keys.outcomes_asked(campaign_id), 0),
        "answered": kept.get(pledge_keys.outcomes_answered(campaign_id), 0),
        "still_going": kept.get(pledge_keys.outcome_choice(campaign_id, "ongoing", outcomes.STILL_GOING_ANSWER), 0),
        "published": kept.get(pledge_keys.outcomes_published(campaign_id), 0),
    }


HEADLINE_ROWS = (
    ("made", "Pledges made"),
    ("people", "People pledging"),
    ("done", "Pledges done"),
    ("answered", "Told us what changed, a few months on"),
    ("still_going", "Still going when they told us"),
    ("published", "Sentences published"),
)


def _breakdown(campaign_id: int, name: str, kept: dict[str, int], labels: list[tuple[str, str]]) -> dict:
    """One facet's table: made, done, told us and still going for each value, suppressed by column."""
    counts = {
        "made": [kept.get(pledge_keys.facet(campaign_id, name, value), 0) for value, _ in labels],
        "done": [kept.get(pledge_keys.done_facet(campaign_id, name, value), 0) for value, _ in labels],
        "answered": [
            kept.get(pledge_keys.outcome_facet(campaign_id, name, value, pledge_keys.ANSWERED), 0)
            for value, _ in labels
        ],
        "still_going": [
            kept.get(pledge_keys.outcome_facet(campaign_id, name, value, pledge_keys.STILL_GOING), 0)
            for value, _ in labels
        ],
    }
    keep = [i for i, made in enumerate(counts["made"]) if made]
    # Each pledge has one value of each facet, so every column adds up to a total shown above.
    shown = {measure: suppression.shown_column([counts[measure][i] for i in keep], adds_up=True) for measure in counts}
    rows = [
        {
            "value": labels[i][0],
            "label": labels[i][1],
            "counts": {measure: counts[measure][i] for measure in counts},
            "cells": [shown[measure][n] for measure, _ in MEASURES],
        }
        for n, i in enumerate(keep)
    ]
    rows.sort(key=lambda row: -row["counts"]["made"])
    chart_items = [
        (row["label"], row["counts"]["made"] if row["counts"]["made"] >= suppression.MINIMUM_CELL else None)
        for row in rows
    ]
    title = f"Pledges made by {FACET_LABELS[name].lower()}"
    return {
        "name": name,
        "label": FACET_LABELS[name],
        "rows": rows,
        "chart": bar_chart(
            title=title, items=chart_items, texts=[row["cells"][0] for row in rows], width=360, labels_above=True
        ),
    }


def _answer_tables(
    campaign: Campaign, kept: dict, previous: Campaign | None, kept_before: dict, question_set
) -> list[dict]:
    """Who benefited, how far it reached, still going: this campaign and the one before, with a chart."""
    tables = []
    for name in ("benefit", *OUTCOME_SINGLE):
        choices = question_set.choices(name)
        now = [kept.get(pledge_keys.outcome_choice(campaign.pk, name, value), 0) for value, _ in choices]
        adds_up = name != "benefit"
        cells = suppression.shown_column(now, adds_up=adds_up)
        before_cells = None
        if previous is not None:
            before = [kept_before.get(pledge_keys.outcome_choice(previous.pk, name, value), 0) for value, _ in choices]
            before_cells = suppression.shown_column(before, adds_up=adds_up)
        rows = [
            {"label": label, "shown": cell, "before": before_cells[i] if before_cells else None}
            for i, ((_, label), cell) in enumerate(zip(choices, cells, strict=True))
        ]
        label = question_set.question(name)["label"]
        tables.append(
            {
                "name": name,
                "label": label,
                "rows": rows,
                "chart": bar_chart(
                    title=label,
                    items=[
                        (
                            choice_label,
                            count if count >= suppression.MINIMUM_CELL and cell != suppression.NOT_SHOWN else None,
                        )
                        for (_, choice_label), count, cell in zip(choices, now, cells, strict=True)
                    ],
                    texts=cells,
                    width=360,
                    labels_above=True,
                ),
            }
        )
    return tables


@dataclass(frozen=True)
class _ReportSources:
    """What a campaign's report is drawn from: the report follows from these values alone."""

    campaign: Campaign
    previous: Campaign | None
    kept: FrozenDict
    kept_before: FrozenDict
    themes: list[tuple[str, str]]
    question_set: OutcomeQuestionSet

    @classmethod
    def read(cls, campaign: Campaign, *, campaigns: list[Campaign] | None = None, themes=None) -> "_ReportSources":
        """A query per campaign for the totals, one for the question set, one for the themes'
        names (unless given)."""
        previous = previous_campaign(campaign, campaigns)
        return cls(
            campaign=campaign,
            previous=previous,
            kept=campaign_counters(campaign.pk),
            kept_before=campaign_counters(previous.pk) if previous else FrozenDict(),
            themes=list(themes if themes is not None else Theme.objects.values_list("slug", "name")),
            question_set=outcomes.outcome_question_set_shown(campaign),
        )

    def key(self) -> tuple:
        """Every value the report and its rendering follow from, for fragments.render_kept."""
        return (
            row_key(self.campaign),
            row_key(self.previous) if self.previous else None,
            self.kept,  # FrozenDicts, hashed once per version of the totals
            self.kept_before,
            tuple(self.themes),
            row_key(self.question_set),
        )


def campaign_report(campaign: Campaign, *, campaigns: list[Campaign] | None = None, themes=None) -> dict:
    """Everything the campaign's impact report shows, from kept totals."""
    return _report(_ReportSources.read(campaign, campaigns=campaigns, themes=themes))


def _report(sources: _ReportSources) -> dict:
    campaign, previous, kept, kept_before = sources.campaign, sources.previous, sources.kept, sources.kept_before
    now = _headline(campaign.pk, kept)
    before = _headline(previous.pk, kept_before) if previous else None
    themes = dict(sources.themes)
    question_set = sources.question_set
    return {
        "campaign": campaign,
        "question_set": question_set,
        "previous": previous,
        "headline": now,
        "year_on_year": [
            {
                "name": name,
                "label": label,
                "shown": suppression.shown(now[name]),
                "before": suppression.shown(before[name]) if before else None,
            }
            for name, label in HEADLINE_ROWS
        ],
        "answer_tables": _answer_tables(campaign, kept, previous, kept_before, question_set),
        "breakdowns": [_breakdown(campaign.pk, name, kept, _facet_labels(name, themes)) for name in FACET_LABELS],
        "measures": [heading for _, heading in MEASURES],
        "minimum": suppression.MINIMUM_CELL,
    }


def report_rows(report: dict) -> list[list]:
    """The report's figures as rows (section, group, answer, campaign, figure), each figure as
    the page shows it, for the CSV and JSON beside the open data."""
    campaign, previous = report["campaign"], report["previous"]
    rows = []
    for row in report["year_on_year"]:
        rows.append(["headline", "", row["label"], campaign.slug, row["shown"]])
        if previous:
            rows.append(["headline", "", row["label"], previous.slug, row["before"]])
    for table in report["answer_tables"]:
        for row in table["rows"]:
            rows.append([table["name"], table["label"], row["label"], campaign.slug, row["shown"]])
            if previous:
                rows.append([table["name"], table["label"], row["label"], previous.slug, row["before"]])
    for breakdown in report["breakdowns"]:
        for row in breakdown["rows"]:
            for (_, heading), cell in zip(MEASURES, row["cells"], strict=True):
                rows.append([f"by-{breakdown['name']}", row["label"], heading, campaign.slug, cell])
    return rows


REPORT_FIELDS = ["section", "group", "answer", "campaign", "figure"]


def impact_page(*, slug: str | None, params) -> dict | None:
    """The impact page's context: the current campaign's report (None when there is none), or
    the report of the campaign `slug` (Http404 when there is no such campaign), with one page of
    sentences searched and filtered by the GET `params`."""
    from django.http import Http404

    from .outcome_forms import SentenceFilterForm

    # Every campaign and theme (a handful of rows each), as the wall keeps them for a few
    # seconds per process: the campaign shown, the one before and the others.
    all_campaigns, all_themes = wall_choices()
    campaigns = sorted(all_campaigns, key=lambda c: c.opens_at, reverse=True)
    wanted = (lambda c: c.is_current) if slug is None else (lambda c: c.slug == slug)
    campaign = next((c for c in campaigns if wanted(c)), None)
    if campaign is None and slug is None:
        return None
    if campaign is None:
        raise Http404("No such campaign")
    themes = [(theme.slug, theme.name) for theme in all_themes]
    sources = _ReportSources.read(campaign, campaigns=campaigns, themes=themes)
    headline = _headline(campaign.pk, sources.kept)
    # The filter form is made only when it is needed: for a query with one of its fields in
    # it (a link back from a pledge's page, say, has none: no filter), or to render a part
    # of it that is not kept.
    filter_form = functools.cache(
        lambda: SentenceFilterForm(params or None, themes=themes, question_set=sources.question_set)
    )
    given = bool(params) and any(name in params for name in SentenceFilterForm.base_fields)
    filters = filter_form().filters() if given else {}
    selects_key = SentenceFilterForm.selects_key_of(
        SentenceFilterForm.select_choices(themes, sources.question_set), params
    )
    filter_selects = render_kept("includes/filter_selects.html", selects_key, lambda: {"filter_form": filter_form()})
    typed = params.get("q") if params else None
    others = tuple((c.slug, c.name) for c in campaigns if c.pk != campaign.pk)
    shown = tuple((name, suppression.shown(headline[name])) for name in ("made", "done", "answered"))
    campaign_row = row_key(campaign)
    page = sentences_page(campaign, filters=filters, page_number=params.get("page"), published=headline["published"])
    return {
        "campaign": campaign,
        # The campaign, its headline figures and the other campaigns, rendered once per
        # process for each set of them.
        "intro": render_kept(
            "pledges/_impact_intro.html",
            (campaign_row, others, shown, headline["answered"]),
            lambda: {
                "campaign": campaign,
                "headline": {"answered": headline["answered"]},
                "headline_shown": dict(shown),
                "minimum": suppression.MINIMUM_CELL,
                "campaigns": [{"slug": slug, "name": name} for slug, name in others],
            },
        ),
        "minimum": suppression.MINIMUM_CELL,
        # The tables and charts follow from the kept totals alone: worked out and rendered
        # once per process for each set of totals (about two thirds of the page's CPU).
        "figures": render_kept("pledges/_impact_figures.html", sources.key(), lambda: _report(sources)),
        # The search box and the selects: kept as the selects are, unless words were typed.
        "sentence_filters": render_kept(
            "pledges/_sentence_filters.html",
            ("filters", selects_key, typed, bool(filters)) if selects_key and not typed else None,
            lambda: {"filter_form": filter_form(), "filter_selects": filter_selects, "filtered": bool(filters)},
        ),
        "filtered": bool(filters),
        "sentences": page,
        "sentence_cards": sentence_cards(page.object_list),
        "query": urlencode(filters),
        # The campaign's downloads and the links on, rendered once per process for each campaign.
        "downloads": render_kept(
            "pledges/_impact_downloads.html",
            (campaign_row, suppression.MINIMUM_CELL),
            lambda: {"campaign": campaign, "minimum": suppression.MINIMUM_CELL},
        ),
    }


# --- Published sentences, searched and filtered ------------------------------------

# The sentence's own words, searched with PostgreSQL's full-text search as the wall searches
# pledges; the campaign's published sentences are few next to its pledges (one index walk).
_SENTENCE_MATCH = (
    f"to_tsvector('english'::regconfig, {PledgeOutcome._meta.db_table}.change) "
    "@@ websearch_to_tsquery('english'::regconfig, %s)"
)


@kept_query  # its SQL compiled once per process for each set of filters given
def sentences(*, campaign_id: int, q: str = "", theme: str = "", benefit: str = "", reach: str = "") -> QuerySet:
    """The campaign's published sentences of pledges on the wall, newest first, filtered by
    the values given (`q` already tidied: see sentences_page)."""
    found = PledgeOutcome.objects.filter(campaign=campaign_id, publish_change=True, pledge__status__in=Pledge.PUBLIC)
    if theme:
        found = found.filter(pledge__theme__slug=theme)
    if reach:
        found = found.filter(reach=reach)
    if benefit:
        if connection.vendor == "postgresql":
            found = found.filter(benefit__contains=[benefit])
        else:  # SQLite (make run) has no JSON containment; the value is quoted in the stored list
            found = found.filter(benefit__icontains=f'"{benefit}"')
    if q:
        if connection.vendor == "postgresql":
            # The SQL is a constant; the words go in as a parameter.
            found = found.filter(RawSQL(_SENTENCE_MATCH, [q], output_field=BooleanField()))  # noqa: S611
        else:
            found = found.filter(change__icontains=q)
    return found.values_list(*SENTENCE_CARD_COLUMNS).order_by("-id")


# What a sentence's card shows (templates/pledges/_sentence_card.html): the page reads these
# values only, and keeps each card rendered under them (core/fragments.py row_fragment).
SENTENCE_CARD_COLUMNS = (
    *("id", "change", "pledge__id", "pledge__text", "pledge__status"),
    *("pledge__job_role", "pledge__region", "pledge__show_name", "pledge__name"),
)


def sentence_cards(rows) -> SafeString:
    """The cards of a page of sentences (rows of SENTENCE_CARD_COLUMNS), one after another,
    each kept rendered under its row."""
    return SafeString(
        "".join(
            row_fragment("pledges/_sentence_card.html", "outcome", PledgeOutcome, SENTENCE_CARD_COLUMNS, row)
            for row in rows
        )
    )


def sentences_page(campaign: Campaign, *, filters: dict, page_number, published: int):
    """One page of sentences. Unfiltered, the pages are counted from the kept total; filtered,
    from a count that stops at selectors.MATCH_COUNT_CAP (never a count of the whole table)."""
    values = {**filters, "campaign_id": campaign.pk, "q": (filters.get("q") or "").strip()[:200]}
    count = published
    if filters and published:
        matched = kept_match_count(sentences, **values)
        count = published if matched is None else min(matched, published)
    # None to show (none published yet, as while a campaign is under way, or none matches):
    # the empty page is known without asking the database for it.
    pages = sentences.pages(**values) if count else []
    return outcomes._KeptCountPaginator(pages, outcomes.SENTENCES_PER_PAGE, count=count).get_page(page_number)


# --- One organisation's staff ------------------------------------------------------


def organisation_report(organisation_id: int, *, made_key: str) -> dict:
    """The figures for the pledges of one organisation's staff, every campaign together. Below
    the minimum group size the answers are not broken down at all: a table of fewer than five
    people's answers could say what one person answered."""
    kept = pledge_counters(pledge_keys.organisation_impact(organisation_id), made_key)
    made = kept[made_key]
    answered = kept.get(pledge_keys.organisation_outcomes_answered(organisation_id), 0)
    tables = []
    if answered >= suppression.MINIMUM_CELL:
        question_set = outcomes.outcome_question_set_shown(None)
        for name in ("benefit", *OUTCOME_SINGLE):
            choices = question_set.choices(name)
            counts = [
                kept.get(pledge_keys.organisation_outcome_choice(organisation_id, name, value), 0)
                for value, _ in choices
            ]
            cells = suppression.shown_column(counts, adds_up=name != "benefit")
            tables.append(
                {
                    "label": question_set.question(name)["label"],
                    "rows": [{"label": label, "shown": cell} for (_, label), cell in zip(choices, cells, strict=True)],
                }
            )
    return {
        "made": suppression.shown(made),
        "done": suppression.shown(kept.get(pledge_keys.organisation_done(organisation_id), 0)),
        "answered": suppression.shown(answered),
        "still_going": suppression.shown(
            kept.get(
                pledge_keys.organisation_outcome_choice(organisation_id, "ongoing", outcomes.STILL_GOING_ANSWER), 0
            )
        )
        if answered >= suppression.MINIMUM_CELL
        else None,
        "tables": tables,
        "any": bool(made),
        "minimum": suppression.MINIMUM_CELL,
    }


# --- The evaluation dataset (programme admins) -------------------------------------

EXPORT_OUTCOME_FIELDS = [
    "campaign",
    "theme",
    "kind",
    "role",
    "sector",
    "region",
    "pledge_done",
    "answered_month",
    "questions_version",
    "who_benefited",
    "how_far_it_reached",
    "still_going",
    "published_sentence",
]


def export_outcome_rows():
    """Every counted answer, one row each, with nothing that names or reaches anyone: no pledge,
    person or organisation, only the answers, the pledge's theme, role, sector and region, and a
    sentence only where its writer published it. Streamed in chunks; for the admin's download."""
    answers = (
        PledgeOutcome.objects.filter(pledge__status__in=Pledge.COUNTED)
        .order_by("id")
        .values_list(
            "campaign__slug",
            "pledge__theme__slug",
            "pledge__kind",
            "pledge__job_role",
            "pledge__sector",
            "pledge__region",
            "pledge__done_at",
            "answered_at",
            "question_set__version",
            "benefit",
            "reach",
            "ongoing",
            "publish_change",
            "change",
        )
    )
    for row in answers.iterator(chunk_size=2000):
        (campaign, theme, kind, role, sector, region, done_at, answered_at, version, benefit, reach, ongoing) = row[:12]
        publish, change = row[12:]
        yield {
            "campaign": campaign,
            "theme": theme,
            "kind": kind,
            "role": role,
            "sector": sector,
            "region": region,
            "pledge_done": done_at is not None,
            "answered_month": answered_at.strftime("%Y-%m"),
            "questions_version": version,
            "who_benefited": ";".join(sorted(benefit or [])),
            "how_far_it_reached": reach,
            "still_going": ongoing,
            "published_sentence": change if publish else "",
        }
