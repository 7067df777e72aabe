from .milestones import _match
from .models import Milestone, MilestoneRule


def latest_milestone() -> Milestone | None:
    return Milestone.objects.order_by("-reached_at", "-threshold").first()


def milestones_reached():
    return Milestone.objects.order_by("-reached_at", "-threshold")


def next_milestone_rule_threshold(key: str, value: int) -> int | None:
    """The smallest threshold above `value` that an active rule sets for the total `key`."""
    thresholds = [
        int(threshold)
        for rule in MilestoneRule.objects.filter(active=True)
        if _match(rule.pattern, key) is not None
        for threshold in rule.thresholds
        if int(threshold) > value
    ]
    return min(thresholds, default=None)


# What a * in a rule's pattern stands for, named by the part before it, for the public list of
# what is celebrated ("pledges made in a region": the region is filled in when it is reached).
_WILDCARD_WORDS = {
    "pledges": "the campaign",
    "region": "a region",
    "theme": "a theme",
    "sector": "a sector",
    "role": "a role",
    "organisations": "one employer",
}


def rule_description(rule: MilestoneRule) -> str:
    parts = rule.pattern.split(":")
    words = [_WILDCARD_WORDS.get(parts[i - 1], "each one") for i, part in enumerate(parts) if part == "*" and i]
    label = rule.label
    for number, word in enumerate(words, start=1):
        label = label.replace("{" + str(number) + "}", word)
    return label


def milestone_rules() -> list[dict]:
    """Every active rule as words and its thresholds, for the milestones page: what is
    celebrated, and at which numbers."""
    return [
        {"what": rule_description(rule), "thresholds": [int(t) for t in rule.thresholds]}
        for rule in MilestoneRule.objects.filter(active=True).order_by("pattern")
    ]
