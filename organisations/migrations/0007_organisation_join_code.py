import django.db.models
from django.db import migrations, models

import organisations.models


def give_each_a_code(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    taken = set()
    for organisation in Organisation.objects.filter(join_code__isnull=True).only("pk"):
        code = organisations.models.join_code_new()
        while code in taken:
            code = organisations.models.join_code_new()
        taken.add(code)
        Organisation.objects.filter(pk=organisation.pk).update(join_code=code)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0006_commitment_task_own")]

    operations = [
        migrations.AddField(
            model_name="organisation", name="join_code", field=models.CharField(max_length=8, null=True)
        ),
        migrations.RunPython(give_each_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="join_code",
            field=models.CharField(default=organisations.models.join_code_new, max_length=8, unique=True),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=django.db.models.Q(join_code__regex="^[BCDFGHJKMNPQRSTVWXZ23456789]{8}$"),
                name="organisations_join_code_format",
            ),
        ),
    ]
