"""Every counter key the pledges programme keeps, built here and nowhere else.

    pledges:<campaign>:total                      counted pledges
    pledges:<campaign>:people                     people with a counted pledge
    pledges:<campaign>:done                       counted pledges marked done
    pledges:<campaign>:theme:<slug>
    pledges:<campaign>:<facet>:<value>            facet: region, role, sector
    pledges:<campaign>:outcomes:answered          people who answered the outcome questions
    pledges:<campaign>:outcomes:<question>:<choice>
    pledges:<campaign>:outcomes:published         sentences published
    pledges:organisation:<organisation>           counted pledges naming a directory entry

All of them are under PREFIX, recounted by `services.pledges_truth`.
"""

from counters.keys import organisation_pledges as organisation  # noqa: F401  (shape shared with organisations)

PREFIX = "pledges:"
FACETS = ("region", "role", "sector")


def campaign(campaign_id: int) -> str:
    """The prefix of every total of one campaign (with its trailing colon)."""
    return f"{PREFIX}{campaign_id}:"


def total(campaign_id: int) -> str:
    return f"{campaign(campaign_id)}total"


def people(campaign_id: int) -> str:
    return f"{campaign(campaign_id)}people"


def done(campaign_id: int) -> str:
    return f"{campaign(campaign_id)}done"


def theme(campaign_id: int, slug: str) -> str:
    return f"{facet_prefix(campaign_id, 'theme')}{slug}"


def facet(campaign_id: int, name: str, value: str) -> str:
    """One value of a breakdown: facet(3, "region", "london") is pledges:3:region:london."""
    return f"{facet_prefix(campaign_id, name)}{value}"


def facet_prefix(campaign_id: int, name: str) -> str:
    """Every value of one breakdown (theme, region, role, sector), with the trailing colon."""
    return f"{campaign(campaign_id)}{name}:"


def outcomes(campaign_id: int) -> str:
    """The prefix of every outcome total of one campaign (with its trailing colon)."""
    return f"{campaign(campaign_id)}outcomes:"


def outcomes_answered(campaign_id: int) -> str:
    return f"{outcomes(campaign_id)}answered"


def outcomes_published(campaign_id: int) -> str:
    return f"{outcomes(campaign_id)}published"


def outcome_choice(campaign_id: int, question: str, choice: str) -> str:
    """People who gave `choice` to `question` (benefit, reach, ongoing)."""
    return f"{outcomes(campaign_id)}{question}:{choice}"


def last_part(key: str) -> str:
    """What a breakdown key is about: 'london' for pledges:3:region:london."""
    return key.rsplit(":", 1)[1]


# --- Impact: what the pledges changed, broken down ----------------------------------------
#
#     pledges:<campaign>:done:<facet>:<value>                   counted pledges done, by theme, role, sector, region
#     pledges:<campaign>:outcomes:asked                         counted pledges whose pledger was asked what it changed
#     pledges:<campaign>:outcomes:by:<facet>:<value>:<measure>  answers by theme, role, sector, region;
#                                                               measure: answered, or still-going (answered "yes")
#     pledges:organisation:<organisation>:done                  counted pledges naming a directory entry, done
#     pledges:organisation:<organisation>:outcomes:answered     ... whose pledgers told us what changed
#     pledges:organisation:<organisation>:outcomes:<question>:<choice>
#
# An outcome answer counts while its pledge counts: when a pledge leaves the wall (withdrawn,
# hidden, rejected) its answers leave every figure with it, and come back if it returns.

IMPACT_FACETS = ("theme", "role", "sector", "region")
ANSWERED = "answered"
STILL_GOING = "still-going"


def done_facet(campaign_id: int, name: str, value: str) -> str:
    """Counted pledges done, of one theme, role, sector or region."""
    return f"{campaign(campaign_id)}done:{name}:{value}"


def done_facet_prefix(campaign_id: int, name: str) -> str:
    return f"{campaign(campaign_id)}done:{name}:"


def outcomes_asked(campaign_id: int) -> str:
    return f"{outcomes(campaign_id)}asked"


def outcome_facet(campaign_id: int, name: str, value: str, measure: str) -> str:
    """Answers (`ANSWERED`) or answers saying it is still going (`STILL_GOING`) of one facet value."""
    return f"{outcomes(campaign_id)}by:{name}:{value}:{measure}"


def organisation_impact(organisation_id: int) -> str:
    """The prefix of the impact totals of one organisation's staff (with its trailing colon).
    Apart from `organisation(id)`, the count of pledges itself, which has no trailing part."""
    return f"{organisation(organisation_id)}:"


def organisation_done(organisation_id: int) -> str:
    return f"{organisation_impact(organisation_id)}done"


def organisation_outcomes_answered(organisation_id: int) -> str:
    return f"{organisation_impact(organisation_id)}outcomes:answered"


def organisation_outcome_choice(organisation_id: int, question: str, choice: str) -> str:
    return f"{organisation_impact(organisation_id)}outcomes:{question}:{choice}"
