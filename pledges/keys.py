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
