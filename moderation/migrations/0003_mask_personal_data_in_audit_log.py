"""The audit log kept the full text of rejected items, NHS numbers and phone numbers
included, for every moderator to read. Mask what the privacy check finds in the rows
already there, as `decision_record` now does for new ones."""

from django.db import migrations

from core.privacy import mask_personal_data


def mask_existing(apps, schema_editor):
    Decision = apps.get_model("moderation", "Decision")
    for decision in Decision.objects.only("pk", "item_summary", "note").iterator(chunk_size=2000):
        summary = mask_personal_data(decision.item_summary)[:300]
        note = mask_personal_data(decision.note)
        if summary != decision.item_summary or note != decision.note:
            Decision.objects.filter(pk=decision.pk).update(item_summary=summary, note=note)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_reasons")]

    # Masking cannot be undone: going back leaves the masked text as it is.
    operations = [migrations.RunPython(mask_existing, migrations.RunPython.noop)]
