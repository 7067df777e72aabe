"""Search reads a stored tsvector instead of computing one per row.

The expression index from 0002 let the GIN probe find candidates, but every candidate was
rechecked by running to_tsvector on its text again, and the "common word" path computed it
for each row it walked: an uncached search took over a second at a million pledges. A stored
generated column is computed once, when the text is written.

Adding the column rewrites the table under an exclusive lock (about a minute at a million
pledges on the bench machine); run it outside a campaign's busiest days. PostgreSQL only: on
SQLite the wall searches with icontains and the column is not made.
"""

from django.db import migrations

ADD = [
    "ALTER TABLE pledges_pledge ADD COLUMN IF NOT EXISTS search_document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS pledges_pledge_search_document ON pledges_pledge USING gin (search_document)",
    "DROP INDEX IF EXISTS pledges_pledge_text_fts",
]
REMOVE = [
    "CREATE INDEX IF NOT EXISTS pledges_pledge_text_fts ON pledges_pledge "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
    "DROP INDEX IF EXISTS pledges_pledge_search_document",
    "ALTER TABLE pledges_pledge DROP COLUMN IF EXISTS search_document",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in ADD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in REMOVE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0004_merge_index_and_organisation_link")]

    operations = [migrations.RunPython(forwards, backwards)]
