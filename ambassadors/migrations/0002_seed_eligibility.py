"""Who may apply at the start, as the programme began: nursing, midwifery, health care
assistants, nursing associates and students, in NHS and education settings. Admins widen it
later without a deploy. Also the first list of reasons for declining."""

from django.db import migrations

OPEN_ROLES = ["nurse", "midwife", "health-care-assistant", "nursing-associate", "student"]
CLOSED_ROLES = [
    "doctor", "allied-health-professional", "pharmacist", "paramedic", "social-worker", "care-worker",
    "home-carer", "registered-manager", "porter", "cleaner", "caterer", "administrator", "manager",
    "director", "chaplain", "volunteer", "patient-or-carer", "other",
]
OPEN_SECTORS = ["nhs-acute", "community", "mental-health", "primary-care", "ambulance", "education"]
CLOSED_SECTORS = ["adult-social-care", "other"]
REASONS = [
    "The statement does not say enough about why you want to champion the 6Cs",
    "The places in this intake are full",
    "We could not confirm your role or organisation",
    "The application does not meet the Care Maker agreement",
]


def seed(apps, schema_editor):
    seed_eligibility(apps)
    # 0007 moves these into moderation.Reason (and seeds them there for tests).
    DeclineReason = apps.get_model("ambassadors", "DeclineReason")
    for order, text in enumerate(REASONS):
        DeclineReason.objects.get_or_create(text=text, defaults={"order": order})


def seed_eligibility(apps, schema_editor=None):
    Eligibility = apps.get_model("ambassadors", "Eligibility")
    for kind, values, is_open in [
        ("role", OPEN_ROLES, True),
        ("role", CLOSED_ROLES, False),
        ("sector", OPEN_SECTORS, True),
        ("sector", CLOSED_SECTORS, False),
    ]:
        for value in values:
            Eligibility.objects.get_or_create(kind=kind, value=value, defaults={"is_open": is_open})


class Migration(migrations.Migration):
    dependencies = [("ambassadors", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
