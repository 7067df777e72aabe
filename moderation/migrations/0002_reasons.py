from django.db import migrations

REASONS = [
    ("patient-information", "Contains patient information", True, "It included details that could identify a patient or someone receiving care."),
    ("names-a-colleague", "Names a colleague", True, "It named or could identify a colleague, who has not agreed to be named."),
    ("offensive", "Offensive", True, "It contained language or content that is not acceptable on Care Pledge."),
    ("advertising", "Advertising or spam", False, ""),
    ("not-a-pledge", "Not a pledge", True, "It did not read as a personal promise to do something."),
    ("duplicate", "Duplicate", False, ""),
    ("personal-details", "Contains contact details", True, "It included a phone number, email address or postcode."),
]


def create_reasons(apps, schema_editor):
    Reason = apps.get_model("moderation", "Reason")
    for position, (code, label, notify, explanation) in enumerate(REASONS):
        Reason.objects.get_or_create(
            code=code, defaults={"label": label, "notify_author": notify, "explanation": explanation, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(create_reasons, migrations.RunPython.noop)]
