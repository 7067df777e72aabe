from django.db import migrations

# Why the verifier cannot verify an organisation; the explanation is what the representative is told.
REASONS = [
    (
        "organisation-not-on-register",
        "Not found on the regulator's register",
        "We could not find the organisation on its regulator's public register with the registration "
        "number you gave. It may have a typing error, or belong to a different location.",
    ),
    (
        "organisation-details-differ",
        "Details do not match the register",
        "The name, town or type of service you gave does not match what the regulator's register shows.",
    ),
    (
        "organisation-not-eligible",
        "Not a health or social care employer",
        "The Social Care Commitment is for employers who provide health or social care services.",
    ),
    (
        "organisation-duplicate",
        "Already registered",
        "This organisation is already registered with us, under another representative.",
    ),
]


def create_reasons(apps, schema_editor):
    Reason = apps.get_model("moderation", "Reason")
    for position, (code, label, explanation) in enumerate(REASONS, start=100):
        Reason.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "explanation": explanation,
                "notify_author": True,
                "applies_to": "organisation",
                "position": position,
            },
        )


def remove_reasons(apps, schema_editor):
    apps.get_model("moderation", "Reason").objects.filter(code__in=[code for code, _, _ in REASONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0010_verification_refused"), ("moderation", "0002_reasons")]
    operations = [migrations.RunPython(create_reasons, remove_reasons)]
