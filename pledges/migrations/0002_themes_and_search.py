from django.db import migrations

THEMES = [
    ("patient-experience", "Patient experience"),
    ("keeping-people-safe", "Keeping people safe"),
    ("dementia", "Dementia"),
    ("integrating-care", "Integrating health and social care"),
    ("staff-wellbeing", "Staff wellbeing"),
    ("culture-and-attitude", "Culture and attitude"),
    ("knowledge-and-skills", "Knowledge and skills"),
    ("dignity-and-respect", "Dignity and respect"),
    ("communication", "Communication"),
    ("something-else", "Something else"),
]

# The wall's search uses this expression; the index must match it exactly to be used.
FTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS pledges_pledge_text_fts ON pledges_pledge "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))"
)


def add_themes(apps, schema_editor):
    Theme = apps.get_model("pledges", "Theme")
    for position, (slug, name) in enumerate(THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FTS_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS pledges_pledge_text_fts")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]

    operations = [
        migrations.RunPython(add_themes, migrations.RunPython.noop),
        migrations.RunPython(add_search_index, drop_search_index),
    ]
