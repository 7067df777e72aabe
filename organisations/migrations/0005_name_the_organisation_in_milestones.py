"""The staff-pledge milestone names its organisation: "50 pledges made by staff of Oak Lodge,
Exeter", not "of one employer". Only the label 0003 wrote is changed; one an admin has
edited is left as it is."""

from django.db import migrations

PATTERN = "organisations:*:pledges"
OLD = "pledges made by staff of one employer"
NEW = "pledges made by staff of {1}"


def rename(apps, schema_editor):
    apps.get_model("counters", "MilestoneRule").objects.filter(pattern=PATTERN, label=OLD).update(label=NEW)


def unrename(apps, schema_editor):
    apps.get_model("counters", "MilestoneRule").objects.filter(pattern=PATTERN, label=NEW).update(label=OLD)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_listed_name_index")]
    operations = [migrations.RunPython(rename, unrename)]
