"""The starting outcome question set, for every campaign without its own (admins edit it after this).

Written out here rather than imported, so this migration seeds the same set whatever the code says later."""

from django.db import migrations

QUESTIONS = {
    "benefit": {
        "label": "Who benefited from what you did?",
        "hint": "Select all that apply.",
        "choices": [
            ["patients", "Patients or people who use services"],
            ["carers", "Carers"],
            ["colleagues", "Colleagues"],
            ["me", "Me"],
        ],
    },
    "reach": {
        "label": "How far did it reach?",
        "choices": [
            ["me", "Just me"],
            ["team", "My team"],
            ["organisation", "My organisation"],
            ["beyond", "Beyond my organisation"],
        ],
    },
    "ongoing": {"label": "Is it still going?", "choices": [["yes", "Yes"], ["partly", "Partly"], ["no", "No"]]},
    "change": {
        "label": "In one sentence, what changed? (optional)",
        "hint": "For example: “Night staff now get a proper handover from the day team.”",
    },
    "publish": {
        "label": "Publish this sentence on the page of what pledges changed",
        "hint": "It is shown with your pledge and your role and region, never your email address.",
    },
}


def seed(apps, schema_editor):
    OutcomeQuestionSet = apps.get_model("pledges", "OutcomeQuestionSet")
    OutcomeQuestionSet.objects.get_or_create(campaign=None, version=1, defaults={"questions": QUESTIONS})


class Migration(migrations.Migration):
    dependencies = [("pledges", "0007_outcome_follow_up")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
