"""Outbox rows say what they are about ("pledges.pledge:123"), in an indexed column, so
retention and erasure find the mail about a thing by the index instead of a regex over keys.

Existing rows are filled once here by reading their keys, for the keys that name their row
plainly; the rest (a campaign's closing reminder, a task's, an employer's confirmation) stay
empty: nothing deletes by them yet, and mail is kept apart from the programmes' tables. Key shapes are spelled out: a migration keeps the words of its day."""

import re

from django.db import migrations, models

# key pattern (the first group is the primary key) -> what the row is about
KEY_SHAPES = [
    (r"^pledge-(?:confirm|rejected):(\d+)(?::|$)", "pledges.pledge"),
    (r"^reminder:[^:]+:pledge-(\d+):", "pledges.pledge"),
    (r"^care-makers-(?:outcome|endorsement):(\d+)(?::|$)", "ambassadors.application"),
    (r"^reminder:[^:]+:application-(\d+):", "ambassadors.application"),
    (r"^reminder:[^:]+:care-maker-(\d+)-", "ambassadors.caremaker"),
    (r"^care-makers-story-(?:published|rejected):(\d+)$", "ambassadors.story"),
    (r"^care-makers-eligibility-opened:(\d+)$", "ambassadors.eligibilitywaitlist"),
    (r"^organisation-(?:verified|not-verified):(\d+):", "organisations.organisation"),
    (r"^organisation-access-request:(\d+):", "organisations.accessrequest"),
    (r"^milestone:(\d+):", "counters.milestone"),
]
BATCH = 2000


def about_from_key(key: str) -> str:
    for pattern, label in KEY_SHAPES:
        match = re.match(pattern, key)
        if match:
            return f"{label}:{match.group(1)}"
    return ""


def backfill(apps, schema_editor):
    Email = apps.get_model("mail", "Email")
    last = 0
    while True:
        rows = list(Email.objects.filter(pk__gt=last, about="").order_by("pk").values_list("pk", "key")[:BATCH])
        if not rows:
            break
        last = rows[-1][0]
        by_about: dict[str, list[int]] = {}
        for pk, key in rows:
            about = about_from_key(key)
            if about:
                by_about.setdefault(about, []).append(pk)
        for about, pks in by_about.items():
            Email.objects.filter(pk__in=pks).update(about=about)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0004_mailpreference_region"),
    ]

    operations = [
        migrations.AddField(
            model_name="email",
            name="about",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddIndex(
            model_name="email",
            index=models.Index(
                condition=models.Q(("about", ""), _negated=True), fields=["about"], name="mail_email_about_idx"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
