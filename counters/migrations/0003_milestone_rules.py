"""Default milestone rules for the counter keys agreed across the project. Admins edit them later."""

from django.db import migrations

CAMPAIGN = [1000, 10000, 100000, 250000, 500000]
RULES = [
    ("pledges:*:total", "pledges made in this campaign", CAMPAIGN, "campaign"),
    ("pledges:*:people", "people pledging in this campaign", CAMPAIGN, "campaign"),
    ("pledges:*:done", "pledges kept and marked done", CAMPAIGN, "campaign"),
    ("pledges:*:region:*", "pledges made in {2}", [100, 1000, 10000, 50000], "campaign"),
    ("ambassadors:active", "active Care Makers", [55, 100, 250, 500, 1000], "admins"),
    ("organisations:committed", "employers signed up to the Social Care Commitment", [100, 500, 1000], "admins"),
    ("organisations:*:staff-commitments", "staff commitments at one employer", [10, 50, 100], "organisation"),
]


def seed(apps, schema_editor):
    MilestoneRule = apps.get_model("counters", "MilestoneRule")
    for pattern, label, thresholds, audience in RULES:
        MilestoneRule.objects.get_or_create(
            pattern=pattern, defaults={"label": label, "thresholds": thresholds, "audience": audience}
        )


def unseed(apps, schema_editor):
    apps.get_model("counters", "MilestoneRule").objects.filter(pattern__in=[rule[0] for rule in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("counters", "0002_milestonerule_milestone")]
    operations = [migrations.RunPython(seed, unseed)]
