"""The Care Makers' own decisions and decline reasons are now in the shared audit log and
reasons (0007 copied them): remove them, and give the application's reason its old name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ambassadors", "0007_decisions_into_audit_log")]

    operations = [
        migrations.RemoveField(model_name="application", name="decline_reason"),
        migrations.RenameField(model_name="application", old_name="reason", new_name="decline_reason"),
        migrations.DeleteModel(name="Decision"),
        migrations.DeleteModel(name="DeclineReason"),
    ]
