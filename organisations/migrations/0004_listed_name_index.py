"""An index for the organisation box on the pledge and Care Maker forms.

The box matches a typed name to a listed (verified) organisation, ignoring case, and
suggests names that start with what was typed: UPPER(name) = ... and UPPER(name) LIKE
'OAK%'. With text_pattern_ops one index serves both. PostgreSQL only (SQLite, used for
quick local runs, has no operator classes and a small table)."""

from django.db import migrations

INDEX = "organisations_listed_name_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON organisations_organisation "
            "(UPPER(name::text) text_pattern_ops) WHERE verified_at IS NOT NULL"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_staff_pledge_milestones")]
    operations = [migrations.RunPython(create, drop)]
