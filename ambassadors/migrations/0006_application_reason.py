"""Care Maker decisions move into the shared audit log and reasons (moderation.Decision and
moderation.Reason). First a column for the application's new reason, beside the old one, so
0007 can copy it across before 0008 removes the old models."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ambassadors", "0005_activity_and_show_activities"),
        ("moderation", "0005_longer_reason_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="reason",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="moderation.reason",
            ),
        ),
    ]
