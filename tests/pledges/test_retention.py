from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mail.models import Email
from mail.services import email_queue
from pledges.models import Pledge
from pledges.retention import unconfirmed_pledges_purge
from tests.pledges.factories import PledgeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("campaign")]


def _aged(days, **kwargs):
    pledge = PledgeFactory(**kwargs)
    Pledge.objects.filter(pk=pledge.pk).update(created_at=timezone.now() - timedelta(days=days))
    return pledge


def test_unconfirmed_pledges_older_than_30_days_are_deleted_with_their_emails(django_capture_on_commit_callbacks):
    old = _aged(31, unconfirmed=True, email="old.unconfirmed@example.org")
    young = _aged(29, unconfirmed=True)
    email_queue(kind="pledge-confirm", to=old.email, key=f"pledge-confirm:{old.pk}:1", context={}, about=old)
    email_queue(kind="pledge-confirm", to=young.email, key=f"pledge-confirm:{young.pk}:1", context={}, about=young)
    assert unconfirmed_pledges_purge(dry_run=True) == 1
    assert Pledge.objects.filter(pk=old.pk).exists()
    assert unconfirmed_pledges_purge() == 1
    assert not Pledge.objects.filter(pk=old.pk).exists()
    assert Pledge.objects.filter(pk=young.pk).exists()
    assert not Email.objects.filter(to=old.email).exists()
    assert Email.objects.filter(to=young.email).exists()
    assert unconfirmed_pledges_purge() == 0  # running it again deletes nothing more


def test_old_confirmed_pledges_are_kept():
    kept = _aged(400, status=Pledge.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=399))
    unconfirmed_pledges_purge()
    assert Pledge.objects.filter(pk=kept.pk).exists()


def test_purge_command_has_a_dry_run(capsys):
    _aged(45, unconfirmed=True)
    call_command("purge_unconfirmed_pledges", "--dry-run")
    assert "1 unconfirmed pledges would be deleted" in capsys.readouterr().out
    assert Pledge.objects.count() == 1


def test_retention_deletes_by_the_about_column_the_mail_about_those_pledges_and_no_other():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mail.reminders import reminder_job, reminders_run
    from pledges import services

    old = PledgeFactory(unconfirmed=True, email="old.unconfirmed@example.org")
    young = PledgeFactory(unconfirmed=True, email="young@example.org")
    kept = _aged(40, status=Pledge.Status.PUBLISHED, email="kept@example.org")
    # The real callers fill `about`: the confirmation, and the nudge two days on.
    services._send_confirmation(old)
    reminders_run(reminder_job("pledge-nudge"), now=timezone.now() + timedelta(days=3))
    Pledge.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    # Keys a regex over "pledge-confirm:<id>" would have caught, about something else.
    email_queue(kind="other", to="x@example.org", key=f"pledge-confirm:{old.pk}0:1", context={}, about=kept)
    email_queue(kind="other", to="y@example.org", key="unrelated", context={}, about=kept)
    about_old = Email.objects.about(Pledge, [old.pk])
    assert about_old.filter(kind="pledge-confirm").exists()
    assert about_old.filter(kind="pledge-nudge").exists()  # queued by the reminder engine
    others = set(Email.objects.exclude(about=f"pledges.pledge:{old.pk}").values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        assert unconfirmed_pledges_purge() == 1
    deletes = [q["sql"] for q in queries.captured_queries if 'DELETE FROM "mail_email"' in q["sql"]]
    assert deletes and all('"mail_email"."about" IN' in sql for sql in deletes)
    assert not any("~" in sql or "REGEXP" in sql.upper() for sql in deletes)
    assert not Email.objects.filter(to=old.email).exists()
    assert set(Email.objects.values_list("pk", flat=True)) == others
    assert Email.objects.about(Pledge, [young.pk]).filter(kind="pledge-nudge").exists()  # still young: kept


def test_the_about_index_serves_the_lookup():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Email.objects.about(Pledge, [1, 2]).order_by().only("pk").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "mail_email_about_idx" in plan
