from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from organisations import statements_v1

    StatementSet = apps.get_model("organisations", "StatementSet")
    Statement = apps.get_model("organisations", "Statement")
    Task = apps.get_model("organisations", "Task")
    statement_set, created = StatementSet.objects.get_or_create(
        version=1, defaults={"published_at": timezone.now(), "notes": "First published wording."}
    )
    if not created:
        return
    for audience, rows in (("employer", statements_v1.EMPLOYER), ("employee", statements_v1.EMPLOYEE)):
        for number, title, text, tasks in rows:
            statement = Statement.objects.create(
                statement_set=statement_set, audience=audience, number=number, title=title, text=text
            )
            Task.objects.bulk_create(
                Task(statement=statement, position=position, text=task) for position, task in enumerate(tasks, 1)
            )


def unload(apps, schema_editor):
    apps.get_model("organisations", "Task").objects.filter(statement__statement_set__version=1).delete()
    apps.get_model("organisations", "Statement").objects.filter(statement_set__version=1).delete()
    apps.get_model("organisations", "StatementSet").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
