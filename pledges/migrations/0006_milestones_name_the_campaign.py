"""Campaign milestones name their campaign: "1,000 pledges made in Change Day 2027", not "in
this campaign", which says nothing on a list of milestones across years. Only the labels
counters 0003 wrote are changed; one an admin has edited is left as it is."""

from django.db import migrations

RENAMES = [
    ("pledges:*:total", "pledges made in this campaign", "pledges made in {1}"),
    ("pledges:*:people", "people pledging in this campaign", "people pledging in {1}"),
    ("pledges:*:done", "pledges kept and marked done", "pledges kept and marked done in {1}"),
    ("pledges:*:region:*", "pledges made in {2}", "pledges made in {2} in {1}"),
]


def rename(apps, schema_editor):
    rules = apps.get_model("counters", "MilestoneRule").objects
    for pattern, old, new in RENAMES:
        rules.filter(pattern=pattern, label=old).update(label=new)


def unrename(apps, schema_editor):
    rules = apps.get_model("counters", "MilestoneRule").objects
    for pattern, old, new in RENAMES:
        rules.filter(pattern=pattern, label=new).update(label=old)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0005_stored_search_document"),
        ("counters", "0003_milestone_rules"),
    ]

    operations = [migrations.RunPython(rename, unrename)]
