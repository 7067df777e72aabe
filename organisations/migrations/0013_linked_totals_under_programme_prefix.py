"""The pledges and Care Makers each organisation has are kept by those programmes under their
own prefixes (counters/keys.py): `organisations:42:pledges` becomes `pledges:organisation:42`,
`organisations:42:care-makers` becomes `ambassadors:organisation:42`.

Kept totals, milestones already reached (so none is reached, and announced, a second time)
and the rules that celebrate them move to the new keys. Written once here, with the keys
spelled out, because a migration must not change when the code's key functions do."""

import re

from django.db import migrations

# old key shape -> new key shape, and old rule pattern -> new rule pattern
MOVES = [
    (re.compile(r"^organisations:(\d+):pledges$"), "pledges:organisation:{}"),
    (re.compile(r"^organisations:(\d+):care-makers$"), "ambassadors:organisation:{}"),
]
BACK = [
    (re.compile(r"^pledges:organisation:(\d+)$"), "organisations:{}:pledges"),
    (re.compile(r"^ambassadors:organisation:(\d+)$"), "organisations:{}:care-makers"),
]
RULES = {"organisations:*:pledges": "pledges:organisation:*", "organisations:*:care-makers": "ambassadors:organisation:*"}


def _renamed(key, moves):
    for pattern, shape in moves:
        match = pattern.match(key)
        if match:
            return shape.format(match.group(1))
    return None


def _move(apps, moves, rules, prefixes):
    Counter = apps.get_model("counters", "Counter")
    Milestone = apps.get_model("counters", "Milestone")
    MilestoneRule = apps.get_model("counters", "MilestoneRule")
    for prefix in prefixes:
        for row in Counter.objects.filter(key__startswith=prefix).order_by("pk"):
            new = _renamed(row.key, moves)
            if new is None:
                continue
            # A shard already under the new key (written between deploy and migrate) adds up.
            target, created = Counter.objects.get_or_create(key=new, shard=row.shard, defaults={"value": row.value})
            if not created:
                target.value += row.value
                target.save(update_fields=["value"])
            row.delete()
        for milestone in Milestone.objects.filter(key__startswith=prefix).order_by("pk"):
            new = _renamed(milestone.key, moves)
            if new is None:
                continue
            if Milestone.objects.filter(key=new, threshold=milestone.threshold).exists():
                milestone.delete()
            else:
                milestone.key = new
                milestone.save(update_fields=["key"])
    for old, new in rules.items():
        if not MilestoneRule.objects.filter(pattern=new).exists():
            MilestoneRule.objects.filter(pattern=old).update(pattern=new)


def forwards(apps, schema_editor):
    _move(apps, MOVES, RULES, ["organisations:"])


def backwards(apps, schema_editor):
    _move(apps, BACK, {new: old for old, new in RULES.items()}, ["pledges:organisation:", "ambassadors:organisation:"])


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0012_merge_text_length_caps_and_commitment_work"),
        ("counters", "0005_regional_milestone_audience"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
