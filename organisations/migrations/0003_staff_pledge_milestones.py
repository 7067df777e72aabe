"""Default milestones for staff pledges per organisation, announced to its representatives.

Written here rather than in counters so the rule arrives with the link it counts.
Admins edit the thresholds later; a rule they already made is left alone."""

from django.db import migrations

PATTERN = "organisations:*:pledges"


def seed(apps, schema_editor):
    MilestoneRule = apps.get_model("counters", "MilestoneRule")
    MilestoneRule.objects.get_or_create(
        pattern=PATTERN,
        defaults={
            "label": "pledges made by staff of one employer",
            "thresholds": [10, 50, 100, 500],
            "audience": "organisation",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("counters", "MilestoneRule").objects.filter(pattern=PATTERN).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_statements_v1"),
        ("counters", "0003_milestone_rules"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
